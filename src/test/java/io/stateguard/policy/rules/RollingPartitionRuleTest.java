package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RollingPartitionRuleTest {

  private static final String FIELD = "spec.updateStrategy.rollingUpdate.partition";

  private final RollingPartitionRule rule = new RollingPartitionRule();

  private static StatefulSet withPartition(int replicas, Integer partition) {
    StatefulSet set = defaultClassSet(replicas);
    set.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(partition);
    return set;
  }

  @Test
  void reportsPartitionLeftAboveZero() {
    // Given a set of 5 whose canary partition was left at 2
    StatefulSet set = withPartition(5, 2);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then the message counts the pods on each side and says how to finish
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo(FIELD);
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/web has rollingUpdate.partition: 2 with replicas: 5: only the"
                          + " highest 3 of 5 pods get template changes and the lowest 2 keep the old"
                          + " revision, leaving the set split between versions; set "
                          + FIELD
                          + " to 0 once the canary is done");
            });
  }

  @Test
  void reportsPartitionThatStopsEveryUpdate() {
    // Given a partition equal to the replica count
    StatefulSet set = withPartition(3, 3);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then the stronger message: nothing will ever update
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo(FIELD);
              assertThat(f.message())
                  .startsWith(
                      "statefulset data/web has rollingUpdate.partition: 3 with replicas: 3:")
                  .contains("no pod will ever get template changes")
                  .contains("silently ignored")
                  .doesNotContain("split");
            });
  }

  @Test
  void countsOneUpdatedPodInTheSingular() {
    // Given a set of 3 whose partition leaves one pod to update
    StatefulSet set = withPartition(3, 2);

    // Then
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("only the highest 1 of 3 pods gets template changes and the lowest 2 keep the");
  }

  @Test
  void countsOneKeptPodInTheSingular() {
    // Given a set of 3 whose partition holds back only the lowest pod
    StatefulSet set = withPartition(3, 1);

    // Then
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("only the highest 2 of 3 pods get template changes and the lowest 1 keeps the");
  }

  @ParameterizedTest(name = "partition {1} with {0} replicas -> {2}")
  @CsvSource({
    "3, 0, none",
    "3, 1, split",
    "3, 2, split",
    "3, 3, frozen",
    "3, 10, frozen",
    "1, 1, frozen",
    "0, 1, frozen",
    "0, 0, none",
  })
  void distinguishesSplitFromFrozenAtTheBoundary(int replicas, int partition, String expected) {
    // Given a set with this partition
    StatefulSet set = withPartition(replicas, partition);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    switch (expected) {
      case "none" -> assertThat(findings).isEmpty();
      case "split" ->
          assertThat(findings)
              .singleElement()
              .extracting(Finding::message)
              .asString()
              .contains("split between versions");
      case "frozen" ->
          assertThat(findings)
              .singleElement()
              .extracting(Finding::message)
              .asString()
              .contains("no pod will ever get template changes");
      default -> throw new IllegalArgumentException(expected);
    }
  }

  @Test
  void treatsMissingUpdateStrategyAsRollingWithoutPartition() {
    // Given a raw manifest with no updateStrategy and no replicas
    StatefulSet set =
        RuleHarness.parse(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web, namespace: data}
            spec:
              serviceName: web
              template:
                spec:
                  containers: [{name: web, image: example.invalid/web:1}]
            """,
            StatefulSet.class);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void treatsMissingReplicasAsOne() {
    // Given a raw manifest with a partition of 1 and no replicas (the API server defaults 1)
    StatefulSet set =
        RuleHarness.parse(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web, namespace: data}
            spec:
              updateStrategy:
                rollingUpdate: {partition: 1}
            """,
            StatefulSet.class);

    // When / Then: type defaults to RollingUpdate, and 1 >= 1 replica freezes every update
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("partition: 1 with replicas: 1")
        .contains("no pod will ever get template changes");
  }

  @Test
  void survivesNullPartsOfTheUpdateStrategy() {
    // Given a rolling update strategy without rollingUpdate, and one with a null partition
    StatefulSet noRolling = defaultClassSet(3);
    noRolling.getSpec().getUpdateStrategy().setRollingUpdate(null);
    StatefulSet nullPartition = withPartition(3, null);
    StatefulSet nullStrategy = defaultClassSet(3);
    nullStrategy.getSpec().setUpdateStrategy(null);

    // When / Then
    assertThat(RuleHarness.check(rule, noRolling)).isEmpty();
    assertThat(RuleHarness.check(rule, nullPartition)).isEmpty();
    assertThat(RuleHarness.check(rule, nullStrategy)).isEmpty();
  }

  @Test
  void ignoresOnDeleteStrategy() {
    // Given OnDelete (the API server forbids rollingUpdate with it; a raw manifest may have it)
    StatefulSet set = withPartition(3, 2);
    StatefulSetUpdateStrategy strategy = set.getSpec().getUpdateStrategy();
    strategy.setType("OnDelete");

    // When / Then: the partition has no effect there; update-strategy reports OnDelete itself
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void warnsByDefaultAndDeniesWhenEnforced() {
    // Given a partition left set
    StatefulSet set = withPartition(3, 1);

    // When
    Verdict byDefault =
        RuleHarness.verdict(rule, set, ClusterView.empty(), StatefulSetFixtures.defaultModes());
    Verdict enforced =
        RuleHarness.verdict(
            rule,
            set,
            ClusterView.empty(),
            RuleHarness.policy(rule, Mode.ENFORCE, Map.of(), Set.of()));

    // Then
    assertThat(rule.info().defaultMode()).isEqualTo(Mode.WARN);
    assertThat(byDefault.allowed()).isTrue();
    assertThat(byDefault.warnings()).hasSize(1);
    assertThat(enforced.allowed()).isFalse();
  }
}
