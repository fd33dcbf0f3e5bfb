package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static io.stateguard.policy.rules.StatefulSetFixtures.quorumSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadinessProbeRuleTest {

  private final ReadinessProbeRule rule = new ReadinessProbeRule();

  private static Container container(String name) {
    return new ContainerBuilder().withName(name).withImage("example.invalid/" + name).build();
  }

  private static Container sidecar(String name) {
    Container c = container(name);
    c.setRestartPolicy("Always");
    return c;
  }

  private static List<Container> containers(StatefulSet set) {
    return set.getSpec().getTemplate().getSpec().getContainers();
  }

  @Test
  void reportsContainerWithoutReadinessProbe() {
    // Given a set whose only container has no readiness probe
    StatefulSet set = defaultClassSet(3);
    containers(set).get(0).setReadinessProbe(null);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then the finding names the container and points at its probe
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo("spec.template.spec.containers[web].readinessProbe");
              assertThat(f.message())
                  .startsWith("statefulset data/web: container web has no readinessProbe")
                  .contains("rolling update moves on");
            });
  }

  @Test
  void reportsEachContainerWithoutProbeByName() {
    // Given a probed main container and two unprobed helpers
    StatefulSet set = quorumSet(3);
    containers(set).add(container("exporter"));
    containers(set).add(container("backup"));

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then one finding per unprobed container, none for the probed one
    assertThat(findings)
        .extracting(Finding::field)
        .containsExactly(
            "spec.template.spec.containers[exporter].readinessProbe",
            "spec.template.spec.containers[backup].readinessProbe");
    assertThat(findings.get(0).message()).contains("container exporter");
    assertThat(findings.get(1).message()).contains("container backup");
  }

  @Test
  void acceptsSetWhoseContainersAllHaveReadinessProbes() {
    // Given the fixture set: its one container has a TCP readiness probe
    StatefulSet set = defaultClassSet(3);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void skipsContainersListedInIgnoreContainers() {
    // Given an unprobed exporter the policy says needs no probe
    StatefulSet set = defaultClassSet(3);
    containers(set).add(container("exporter"));
    containers(set).add(container("backup"));

    // When
    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("ignoreContainers", List.of("exporter")));

    // Then only the other unprobed container is reported
    assertThat(findings)
        .extracting(Finding::field)
        .containsExactly("spec.template.spec.containers[backup].readinessProbe");
  }

  @Test
  void ignoresInitContainersAndSidecarsByDefault() {
    // Given an ordinary init container and a sidecar, neither probed
    StatefulSet set = defaultClassSet(3);
    set.getSpec()
        .getTemplate()
        .getSpec()
        .setInitContainers(List.of(container("init-config"), sidecar("proxy")));

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsUnprobedSidecarsWhenAskedTo() {
    // Given an ordinary init container and a sidecar, neither probed
    StatefulSet set = defaultClassSet(3);
    set.getSpec()
        .getTemplate()
        .getSpec()
        .setInitContainers(List.of(container("init-config"), sidecar("proxy")));

    // When the policy asks for sidecars to be checked
    List<Finding> findings = RuleHarness.check(rule, set, Map.of("checkSidecars", true));

    // Then the sidecar is reported, the run-to-completion init container is not
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field())
                  .isEqualTo("spec.template.spec.initContainers[proxy].readinessProbe");
              assertThat(f.message()).contains("sidecar proxy has no readinessProbe");
            });
  }

  @Test
  void namesUnnamedContainerByIndex() {
    // Given a second container without a name (the API server rejects it; a raw manifest may not)
    StatefulSet set = defaultClassSet(3);
    containers(set).add(new ContainerBuilder().withImage("example.invalid/x").build());

    // When / Then
    assertThat(RuleHarness.check(rule, set))
        .extracting(Finding::field)
        .containsExactly("spec.template.spec.containers[1].readinessProbe");
  }

  @Test
  void survivesSetWithoutTemplate() {
    // Given a set with no pod template
    StatefulSet set = defaultClassSet(3);
    set.getSpec().setTemplate(null);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void warnsWithoutDenyingByDefault() {
    // Given an unprobed container under a policy that leaves the rule at its default
    StatefulSet set = defaultClassSet(3);
    containers(set).get(0).setReadinessProbe(null);

    // When
    Verdict verdict =
        RuleHarness.verdict(rule, set, ClusterView.empty(), StatefulSetFixtures.defaultModes());

    // Then
    assertThat(rule.info().defaultMode()).isEqualTo(Mode.WARN);
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.warnings()).hasSize(1);
  }

  @Test
  void deniesWhenPolicyEnforces() {
    // Given an unprobed container under a policy that enforces the rule
    StatefulSet set = quorumSet(3);
    containers(set).get(0).setReadinessProbe(null);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            set,
            ClusterView.empty(),
            RuleHarness.policy(rule, Mode.ENFORCE, Map.of(), Set.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.violations())
        .singleElement()
        .extracting(Finding::rule)
        .isEqualTo("readiness-probe");
  }
}
