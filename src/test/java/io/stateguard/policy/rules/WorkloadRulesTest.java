package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the StatefulSet workload rules share: registration, descriptions, robustness. */
class WorkloadRulesTest {

  private static final List<Rule> RULES =
      List.of(
          new PvcRetentionRule(),
          new VolumeClaimTemplatesRule(),
          new AntiAffinityRule(),
          new SecurityContextRule(),
          new ResourcesRule(),
          new ImageTagRule(),
          new KnownTrapsRule());

  static Stream<Rule> rules() {
    return RULES.stream();
  }

  @Test
  void theCatalogueHoldsEachRuleUnderItsContractId() {
    List<String> ids = Rules.all().stream().map(Rule::id).toList();

    assertThat(ids)
        .contains(
            "pvc-retention",
            "volume-claim-templates",
            "anti-affinity",
            "security-context",
            "resources",
            "image-tag",
            "known-traps")
        .doesNotHaveDuplicates();
    assertThat(RULES.stream().map(Rule::id).toList()).allMatch(ids::contains);
  }

  @ParameterizedTest
  @MethodSource("rules")
  void describesItselfForTheCatalogue(Rule rule) {
    RuleInfo info = rule.info();

    assertThat(info.target()).isEqualTo(RuleInfo.Target.STATEFULSET);
    assertThat(info.summary()).isNotBlank().doesNotContain("\n");
    assertThat(info.summary().length()).as("summary fits one line").isLessThan(110);
    assertThat(info.why()).isNotBlank();
    assertThat(info.fix()).isNotBlank().contains("stateguard.io/break-glass");
    assertThat(info.params())
        .allSatisfy(p -> assertThat(p.description()).isNotBlank())
        .extracting(ParamSpec::name)
        .doesNotHaveDuplicates();
  }

  static Stream<Arguments> degenerateSets() {
    List<Arguments> cases = new ArrayList<>();
    String[] yamls = {
      "{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}}",
      "{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {}}",
      "{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {replicas: 3,"
          + " template: {}}}",
      "{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {replicas: 3,"
          + " template: {spec: {}}, volumeClaimTemplates: [{}]}}",
      "{apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s, labels:"
          + " {stateguard.io/class: database}}, spec: {replicas: 3, template: {spec: {containers:"
          + " [{}], initContainers: [{restartPolicy: Always, env: [{}], securityContext: {}}],"
          + " affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{}],"
          + " preferredDuringSchedulingIgnoredDuringExecution: [{}]}}, topologySpreadConstraints:"
          + " [{}], volumes: [{}]}}, volumeClaimTemplates: [{spec: {resources: {}}}],"
          + " persistentVolumeClaimRetentionPolicy: {}}}"
    };
    for (Rule rule : RULES) {
      for (String yaml : yamls) {
        cases.add(Arguments.of(rule, yaml));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("degenerateSets")
  void toleratesMissingFields(Rule rule, String yaml) {
    StatefulSet set = PodTemplates.parse(yaml);

    assertThatCode(() -> RuleHarness.check(rule, set)).doesNotThrowAnyException();
  }

  @Test
  void namesAContainerWithoutNameByItsPosition() {
    StatefulSet set = PodTemplates.clean();
    Container unnamed = PodTemplates.container(set, "db");
    unnamed.setName(null);
    unnamed.setImage("postgres");

    List<Finding> findings = RuleHarness.check(new ImageTagRule(), set);

    assertThat(PodTemplates.fields(findings))
        .containsExactly("spec.template.spec.containers[0].image");
    assertThat(findings.get(0).message()).startsWith("container #0 of statefulset data/pg");
  }

  @Test
  void takesTheNamespaceOfTheAdmissionWhenTheSetNamesNone() {
    StatefulSet set = PodTemplates.clean();
    set.setMetadata(new ObjectMeta());
    set.getMetadata().setName("pg");
    PodTemplates.container(set, "db").setImage("postgres");

    assertThat(PodTemplates.messages(RuleHarness.check(new ImageTagRule(), set)))
        .singleElement()
        .asString()
        .contains("statefulset default/pg");
  }
}
