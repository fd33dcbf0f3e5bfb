package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AntiAffinityRuleTest {

  private final AntiAffinityRule rule = new AntiAffinityRule();

  private static StatefulSet withAffinity(String yaml) {
    StatefulSet set = PodTemplates.clean();
    PodTemplates.pod(set)
        .setAffinity(yaml == null ? null : PodTemplates.fragment(yaml, Affinity.class));
    return set;
  }

  /** A set with one preferred anti-affinity term whose body is {@code term}. */
  private static StatefulSet withPreferredTerm(String term) {
    return withAffinity(
        """
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm: %s
        """
            .formatted(term));
  }

  private static StatefulSet withSpread(String constraint) {
    StatefulSet set = withAffinity(null);
    PodTemplates.pod(set)
        .setTopologySpreadConstraints(
            List.of(PodTemplates.fragment(constraint, TopologySpreadConstraint.class)));
    return set;
  }

  @Test
  void acceptsTheCleanSetWithPreferredHostnameAntiAffinity() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void reportsReplicatedSetWithoutAntiAffinity() {
    // Given three members and no affinity at all
    StatefulSet set = withAffinity(null);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(f.field()).isEqualTo("spec.template.spec.affinity.podAntiAffinity");
    assertThat(f.message())
        .isEqualTo(
            "statefulset data/pg runs 3 replicas with no pod anti-affinity on its own labels"
                + " (app=pg) over kubernetes.io/hostname or topology.kubernetes.io/zone: the"
                + " scheduler may put several members on one node, and one node failure then takes"
                + " them all; add a preferred or required podAntiAffinity term with labelSelector"
                + " app=pg and topologyKey kubernetes.io/hostname, or a topologySpreadConstraint"
                + " with maxSkew 1 and whenUnsatisfiable DoNotSchedule");
  }

  @Test
  void acceptsASingleReplica() {
    StatefulSet one = withAffinity(null);
    one.getSpec().setReplicas(1);
    StatefulSet unset = withAffinity(null);
    unset.getSpec().setReplicas(null);

    assertThat(RuleHarness.check(rule, one)).isEmpty();
    assertThat(RuleHarness.check(rule, unset)).isEmpty();
  }

  @Test
  void acceptsAnExistingPreferredAntiAffinityOnTheZone() {
    StatefulSet set =
        withPreferredTerm(
            "{topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: pg}}}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void acceptsARequiredAntiAffinityOnTheHostname() {
    StatefulSet set =
        withAffinity(
            """
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                - topologyKey: kubernetes.io/hostname
                  labelSelector:
                    matchExpressions:
                      - {key: app, operator: In, values: [pg, pg-replica]}
            """);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void doesNotCountATermThatSelectsOtherPods() {
    StatefulSet set =
        withPreferredTerm(
            "{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: postgres}}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains(
            "(not counted: a preferred term on kubernetes.io/hostname whose labelSelector does not"
                + " select the pods' own labels)");
  }

  @Test
  void doesNotCountATermWithoutLabelSelector() {
    // A null selector selects no pods: the term keeps the members away from nothing.
    StatefulSet set = withPreferredTerm("{topologyKey: kubernetes.io/hostname}");

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void doesNotCountATopologyKeyOutsideTheParameter() {
    StatefulSet set =
        withPreferredTerm(
            "{topologyKey: topology.kubernetes.io/region, labelSelector: {matchLabels: {app: pg}}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("not counted: a preferred term on topologyKey topology.kubernetes.io/region");
    assertThat(
            RuleHarness.check(
                rule, set, Map.of("topologyKeys", List.of("topology.kubernetes.io/region"))))
        .isEmpty();
  }

  @Test
  void doesNotCountPodAffinity() {
    // Affinity on the own labels pulls members together: the opposite of what is needed.
    StatefulSet set =
        withAffinity(
            """
            podAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                - topologyKey: kubernetes.io/hostname
                  labelSelector: {matchLabels: {app: pg}}
            """);

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void doesNotCountATermLookingAtAnotherNamespace() {
    StatefulSet set =
        withPreferredTerm(
            """
            {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: pg}},
             namespaces: [other]}
            """);

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("a preferred term on kubernetes.io/hostname that does not cover namespace data");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "namespaces: [other, data]",
        "namespaceSelector: {}",
        "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}",
        "namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In,"
            + " values: [data]}]}",
        // Other namespace labels are not known here: assumed to match.
        "namespaceSelector: {matchLabels: {team: storage}}"
      })
  void countsATermWhoseNamespacesIncludeTheSetsOwn(String namespaces) {
    StatefulSet set =
        withPreferredTerm(
            "{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: pg}}, "
                + namespaces
                + "}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void doesNotCountANamespaceSelectorNamingAnotherNamespace() {
    StatefulSet set =
        withPreferredTerm(
            "{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: pg}},"
                + " namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other,"
                + " team: storage}}}");

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void countsAStrictTopologySpreadOnTheOwnLabels() {
    StatefulSet set =
        withSpread(
            """
            {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
             labelSelector: {matchLabels: {app: pg}}}
            """);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway,"
            + " labelSelector: {matchLabels: {app: pg}}}|whenUnsatisfiable ScheduleAnyway",
        "{maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,"
            + " labelSelector: {matchLabels: {app: pg}}}|maxSkew 2",
        "{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,"
            + " labelSelector: {matchLabels: {app: other}}}|labelSelector does not select",
        "{maxSkew: 1, topologyKey: rack, whenUnsatisfiable: DoNotSchedule,"
            + " labelSelector: {matchLabels: {app: pg}}}|topologyKey not counted"
      })
  void doesNotCountALooseTopologySpread(String caseText) {
    String[] parts = caseText.split("\\|");
    StatefulSet set = withSpread(parts[0]);

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("not counted: a topologySpreadConstraint")
        .contains(parts[1]);
  }

  @Test
  void requireHardDoesNotCountPreferredTerms() {
    List<Finding> findings =
        RuleHarness.check(rule, PodTemplates.clean(), Map.of("requireHard", true));

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains("with no required pod anti-affinity")
        .contains("not counted: a preferred term on kubernetes.io/hostname (requireHard)")
        .doesNotContain("topologySpreadConstraint with maxSkew 1");
  }

  @Test
  void requireHardDoesNotCountTopologySpread() {
    StatefulSet set =
        withSpread(
            """
            {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
             labelSelector: {matchLabels: {app: pg}}}
            """);

    assertThat(RuleHarness.check(rule, set, Map.of("requireHard", true))).hasSize(1);
  }

  @Test
  void requireHardAcceptsARequiredTerm() {
    StatefulSet set =
        withAffinity(
            """
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                - topologyKey: topology.kubernetes.io/zone
                  labelSelector: {matchLabels: {app: pg}}
            """);

    assertThat(RuleHarness.check(rule, set, Map.of("requireHard", true))).isEmpty();
  }

  @Test
  void namesThePodsByTheSetsSelector() {
    // The template carries more labels than identify the set; the selector's are the ones to use.
    StatefulSet set = withAffinity(null);

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("labelSelector app=pg and")
        .doesNotContain("app.kubernetes.io/version");
  }
}
