package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityContextRuleTest {

  private final SecurityContextRule rule = new SecurityContextRule();

  private static final String DB = "spec.template.spec.containers[db].securityContext";
  private static final String INIT = "spec.template.spec.initContainers[init].securityContext";

  private static StatefulSet with(String container, String securityContextYaml) {
    StatefulSet set = PodTemplates.clean();
    set(set, container, securityContextYaml);
    return set;
  }

  private static void set(StatefulSet set, String container, String securityContextYaml) {
    PodTemplates.container(set, container)
        .setSecurityContext(
            securityContextYaml == null
                ? null
                : PodTemplates.fragment(securityContextYaml, SecurityContext.class));
  }

  private static void pod(StatefulSet set, String podSecurityContextYaml) {
    PodTemplates.pod(set)
        .setSecurityContext(
            podSecurityContextYaml == null
                ? null
                : PodTemplates.fragment(podSecurityContextYaml, PodSecurityContext.class));
  }

  @Test
  void acceptsTheCleanSetEvenWithAReadOnlyRootRequired() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
    assertThat(
            RuleHarness.check(
                rule, PodTemplates.clean(), Map.of("requireReadOnlyRootFilesystem", true)))
        .isEmpty();
  }

  @Test
  void reportsAPrivilegedContainerOnce() {
    // Given a privileged container (which the API server lets escalate whatever it says)
    StatefulSet set = with("db", "{privileged: true}");

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then: privileged, and nothing about escalation
    assertThat(PodTemplates.fields(findings)).containsExactly(DB + ".privileged");
    assertThat(findings.get(0).message())
        .isEqualTo(
            "container db of statefulset data/pg runs privileged (securityContext.privileged:"
                + " true): it has every capability and the host's devices, so a compromise of the"
                + " process is a compromise of the node; remove privileged and add only the"
                + " capabilities it needs");
  }

  @Test
  void privilegedContainersCanBeLeftToThePolicy() {
    StatefulSet set = with("db", "{privileged: true}");

    assertThat(RuleHarness.check(rule, set, Map.of("forbidPrivileged", false))).isEmpty();
  }

  @Test
  void reportsPrivilegeEscalationLeftUnset() {
    StatefulSet set = with("db", "{readOnlyRootFilesystem: true}");

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly(DB + ".allowPrivilegeEscalation");
    assertThat(findings.get(0).message())
        .startsWith(
            "container db of statefulset data/pg does not set allowPrivilegeEscalation: false:");
  }

  @Test
  void reportsPrivilegeEscalationAllowedExplicitly() {
    StatefulSet set = with("db", "{allowPrivilegeEscalation: true}");

    assertThat(PodTemplates.fields(RuleHarness.check(rule, set)))
        .containsExactly(DB + ".allowPrivilegeEscalation");
  }

  @Test
  void privilegeEscalationCanBeLeftToThePolicy() {
    StatefulSet set = with("db", "{allowPrivilegeEscalation: true}");

    assertThat(RuleHarness.check(rule, set, Map.of("forbidPrivilegeEscalation", false))).isEmpty();
  }

  @Test
  void checksInitContainersToo() {
    StatefulSet set = with("init", null);

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly(INIT + ".allowPrivilegeEscalation");
    assertThat(findings.get(0).message()).startsWith("init container init of statefulset data/pg");
  }

  @Test
  void reportsEveryContainerThatMayRunAsRoot() {
    // Given neither the pod nor any container says runAsNonRoot
    StatefulSet set = PodTemplates.clean();
    pod(set, "{fsGroup: 999}");

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(PodTemplates.fields(findings))
        .containsExactly(INIT + ".runAsNonRoot", DB + ".runAsNonRoot");
    assertThat(findings.get(1).message())
        .isEqualTo(
            "container db of statefulset data/pg may run as root: neither it nor the pod sets"
                + " runAsNonRoot: true, so the image decides the user (often root); set"
                + " runAsNonRoot: true (with a runAsUser the image's files allow) in its or the"
                + " pod's securityContext");
  }

  @Test
  void aContainersRunAsNonRootFalseOverridesThePods() {
    StatefulSet set = with("db", "{allowPrivilegeEscalation: false, runAsNonRoot: false}");

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.fields(findings)).containsExactly(DB + ".runAsNonRoot");
    assertThat(findings.get(0).message())
        .contains("sets runAsNonRoot: false, overriding the pod's runAsNonRoot: true")
        .endsWith("remove runAsNonRoot: false from the container's securityContext");
  }

  @Test
  void aContainersRunAsNonRootTrueOverridesThePodsFalse() {
    StatefulSet set = with("db", "{allowPrivilegeEscalation: false, runAsNonRoot: true}");
    pod(set, "{runAsNonRoot: false, runAsUser: 999}");

    assertThat(PodTemplates.fields(RuleHarness.check(rule, set)))
        .containsExactly(INIT + ".runAsNonRoot");
  }

  @Test
  void reportsAnExplicitRootUser() {
    StatefulSet set = PodTemplates.clean();
    pod(set, "{runAsUser: 0}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).contains("runs as root (runAsUser: 0)"));
  }

  @Test
  void reportsRunAsNonRootWithRootUserAsAContainerThatNeverStarts() {
    // Given the pod says runAsNonRoot, but one container sets runAsUser 0
    StatefulSet set = with("db", "{allowPrivilegeEscalation: false, runAsUser: 0}");

    // When the policy does not even require runAsNonRoot
    List<Finding> findings = RuleHarness.check(rule, set, Map.of("requireRunAsNonRoot", false));

    // Then the contradiction is still reported
    assertThat(PodTemplates.fields(findings)).containsExactly(DB + ".runAsUser");
    assertThat(findings.get(0).message()).contains("the kubelet refuses to start it");
  }

  @Test
  void aContainersUserOverridesThePodsRootUser() {
    StatefulSet set = PodTemplates.clean();
    pod(set, "{runAsNonRoot: true, runAsUser: 0}");
    set(set, "db", "{allowPrivilegeEscalation: false, runAsUser: 999}");
    set(set, "init", "{allowPrivilegeEscalation: false, runAsUser: 999}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void runAsNonRootCanBeLeftToThePolicy() {
    StatefulSet set = PodTemplates.clean();
    pod(set, null);

    assertThat(RuleHarness.check(rule, set, Map.of("requireRunAsNonRoot", false))).isEmpty();
  }

  @Test
  void requiresAReadOnlyRootOnlyWhenThePolicySaysSo() {
    StatefulSet set = with("db", "{allowPrivilegeEscalation: false}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("requireReadOnlyRootFilesystem", true));
    assertThat(PodTemplates.fields(findings)).containsExactly(DB + ".readOnlyRootFilesystem");
    assertThat(findings.get(0).message()).contains("mount an emptyDir");
  }

  @Test
  void reportsEachProblemOfEachContainerSeparately() {
    StatefulSet set = PodTemplates.clean();
    pod(set, null);
    set(set, "db", null);
    set(set, "init", "{privileged: true}");

    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("requireReadOnlyRootFilesystem", true));

    assertThat(PodTemplates.fields(findings))
        .containsExactly(
            INIT + ".privileged",
            INIT + ".runAsNonRoot",
            INIT + ".readOnlyRootFilesystem",
            DB + ".allowPrivilegeEscalation",
            DB + ".runAsNonRoot",
            DB + ".readOnlyRootFilesystem");
  }
}
