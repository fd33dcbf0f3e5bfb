package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.budget;
import static io.stateguard.policy.rules.ClusterFixtures.matchLabels;
import static io.stateguard.policy.rules.ClusterFixtures.maxUnavailable;
import static io.stateguard.policy.rules.ClusterFixtures.minAvailable;
import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PdbQuorumTest {

  private final PdbQuorum rule = new PdbQuorum();
  private static final LabelSelector ZK = matchLabels(Map.of("app", "zk"));

  @Test
  void deniesABudgetThatLetsADrainTakeQuorumDown() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);

    // When
    Verdict verdict =
        RuleHarness.verdict(rule, pdb, view(zk, pdb), RuleHarness.policy(rule, Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("pdb-quorum");
              assertThat(f.field()).isEqualTo("spec.minAvailable");
              assertThat(f.object().toString()).isEqualTo("pdb data/zk-pdb");
              assertThat(f.message())
                  .isEqualTo(
                      "pdb data/zk-pdb allows 2 of 3 members of statefulset data/zk down"
                          + " (minAvailable: 1); quorum needs 2 up: set minAvailable: 2 or"
                          + " maxUnavailable: 1");
            });
  }

  @ParameterizedTest(name = "{0}: {1} on {2} replicas -> violation {3}")
  @CsvSource({
    // whole numbers
    "minAvailable, 2, 3, false",
    "minAvailable, 1, 3, true",
    "minAvailable, 3, 5, false",
    "minAvailable, 2, 5, true",
    "maxUnavailable, 1, 3, false",
    "maxUnavailable, 2, 3, true",
    "maxUnavailable, 2, 5, false",
    "maxUnavailable, 3, 5, true",
    // minAvailable percentages round up: 50% of 3 keeps 2 (1.5 -> 2), not 1
    "minAvailable, 50%, 3, false",
    "minAvailable, 33%, 3, true",
    "minAvailable, 67%, 3, false",
    "minAvailable, 50%, 5, false",
    "minAvailable, 33%, 5, true",
    "minAvailable, 67%, 5, false",
    // maxUnavailable percentages round up too: 50% of 3 lets 2 go (1.5 -> 2), not 1
    "maxUnavailable, 50%, 3, true",
    "maxUnavailable, 33%, 3, false",
    "maxUnavailable, 67%, 3, true",
    "maxUnavailable, 50%, 5, true",
    "maxUnavailable, 33%, 5, false",
    "maxUnavailable, 67%, 5, true"
  })
  void judgesBudgetsAsTheDisruptionControllerComputesThem(
      String field, String value, int replicas, boolean violation) {
    // Given
    StatefulSet zk = quorumSet("zk", replicas);
    PodDisruptionBudget pdb = budget("zk-pdb", field, value, ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, pdb), Map.of());

    // Then
    assertThat(findings)
        .as("%s: %s on %d replicas", field, value, replicas)
        .hasSize(violation ? 1 : 0);
    findings.forEach(f -> assertThat(f.field()).isEqualTo("spec." + field));
  }

  @Test
  void showsWhatAPercentageComesTo() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "50%", ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/zk-pdb allows 2 of 3 members of statefulset data/zk down (maxUnavailable:"
                + " 50% = 2 of 3 pods, rounded up); quorum needs 2 up: set minAvailable: 2 or"
                + " maxUnavailable: 1");
  }

  @Test
  void countsThePodsOfEverySetOneBudgetSelects() {
    // Given: minAvailable 2 would keep quorum of one set of 3, but the budget counts 6 pods
    LabelSelector coordination = matchLabels(Map.of("tier", "coordination"));
    StatefulSet zk = tiered("zk", 3);
    StatefulSet etcd = tiered("etcd", 3);
    PodDisruptionBudget pdb = minAvailable("coordination-pdb", "2", coordination);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, etcd, pdb), Map.of());

    // Then: all 4 allowed disruptions may land on one set
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/coordination-pdb allows 3 of 3 members of statefulset data/zk down"
                + " (minAvailable: 2); quorum needs 2 up: the budget counts 6 pods of 2"
                + " statefulsets together; narrow its selector to the pods of statefulset data/zk"
                + " and set minAvailable: 2 or maxUnavailable: 1",
            "pdb data/coordination-pdb allows 3 of 3 members of statefulset data/etcd down"
                + " (minAvailable: 2); quorum needs 2 up: the budget counts 6 pods of 2"
                + " statefulsets together; narrow its selector to the pods of statefulset"
                + " data/etcd and set minAvailable: 2 or maxUnavailable: 1");
  }

  @Test
  void allowsABudgetOverSeveralSetsThatLetsOnlyOneMemberGo() {
    // Given
    LabelSelector coordination = matchLabels(Map.of("tier", "coordination"));
    StatefulSet zk = tiered("zk", 3);
    StatefulSet etcd = tiered("etcd", 5);
    PodDisruptionBudget pdb = minAvailable("coordination-pdb", "7", coordination);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(zk, etcd, pdb), Map.of())).isEmpty();
  }

  @Test
  void checksOnlyQuorumWorkloads() {
    // Given: one budget over a database, a cache, an unclassified set and a quorum set
    LabelSelector all = new LabelSelector(); // policy/v1: an empty selector selects every pod
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    StatefulSet redis = statefulSet("redis", 3, WorkloadClass.CACHE);
    StatefulSet app = statefulSet("app", 3, WorkloadClass.DEFAULT);
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = maxUnavailable("everything", "2", all);

    // When
    List<Finding> withZk = RuleHarness.check(rule, pdb, view(pg, redis, app, zk, pdb), Map.of());
    List<Finding> withoutZk = RuleHarness.check(rule, pdb, view(pg, redis, app, pdb), Map.of());

    // Then
    assertThat(withZk)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("members of statefulset data/zk down");
    assertThat(withoutZk).isEmpty();
  }

  @Test
  void selectsNothingWithoutSelector() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", null);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(zk, pdb), Map.of())).isEmpty();
  }

  @Test
  void ignoresSetsInOtherNamespaces() {
    // Given
    StatefulSet zk = statefulSet("other", "zk", 3, WorkloadClass.QUORUM, Map.of("app", "zk"));
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(zk, pdb), Map.of())).isEmpty();
  }

  @Test
  void usesTheQuorumSizeOfTheSetsOwnPolicy() {
    // Given: a policy that wants 4 of 5 up, so only one may go
    StatefulSet zk = quorumSet("zk", 5);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "3", ZK);
    Policy strict =
        new Policy(
            "strict",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.of(QuorumSize.parse("4")),
            Map.of(rule.id(), new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of())),
            Policy.Exemptions.NONE);

    // When
    Verdict verdict = RuleHarness.verdict(rule, pdb, view(zk, pdb), strict);

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/zk-pdb allows 2 of 5 members of statefulset data/zk down (minAvailable: 3);"
                + " quorum needs 4 up: set minAvailable: 4 or maxUnavailable: 1");
  }

  @Test
  void takesTheModeFromTheSetsPolicyEvenWhenNoPolicyMatchesTheBudget() {
    // Given: the only policy matches quorum workloads, which a budget never is
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);
    Policy quorumOnly = RuleHarness.policy(rule, Mode.WARN, Map.of(), Set.of(WorkloadClass.QUORUM));

    // When
    Verdict verdict = RuleHarness.verdict(rule, pdb, view(zk, pdb), quorumOnly);

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).extracting(Finding::mode).containsExactly(Mode.WARN);
  }

  @Test
  void saysNothingForASetThePolicyTurnsTheRuleOffFor() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule, pdb, view(zk, pdb), RuleHarness.policy(rule, Mode.OFF, Map.of(), Set.of()));

    // Then
    assertThat(verdict.findings()).isEmpty();
  }

  @Test
  void tellsASetTooSmallToLoseAnyMemberToGrow() {
    // Given: 2 members need both up; any disruption loses quorum
    StatefulSet zk = quorumSet("zk", 2);
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "1", ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/zk-pdb allows 1 of 2 members of statefulset data/zk down (maxUnavailable:"
                + " 1); quorum needs 2 up: with 2 replicas no member can be disrupted without"
                + " losing quorum; run 3 replicas and set maxUnavailable: 1");
  }

  @Test
  void ignoresASetScaledToZero() {
    // Given
    StatefulSet zk = quorumSet("zk", 0);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "0", ZK);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(zk, pdb), Map.of())).isEmpty();
  }

  @Test
  void namesAValueThatIsNeitherANumberNorAPercentage() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb =
        ClusterFixtures.pdb(ClusterFixtures.NS, "zk-pdb", new IntOrString("two"), null, ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/zk-pdb cannot be evaluated for statefulset data/zk: 'two' is neither a"
                + " number nor a percentage (the API server rejects it); write a whole number or a"
                + " percentage like '50%'");
  }

  @Test
  void leavesABudgetWithNeitherFieldToTheMaintenanceRule() {
    // Given: such a budget allows no disruption at all, which cannot break quorum
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = ClusterFixtures.pdb(ClusterFixtures.NS, "zk-pdb", null, null, ZK);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(zk, pdb), Map.of())).isEmpty();
  }

  /** A quorum set whose pods carry {@code app=<name>} and {@code tier=coordination}. */
  private static StatefulSet tiered(String name, int replicas) {
    Map<String, String> labels = new HashMap<>(Map.of("app", name, "tier", "coordination"));
    return statefulSet(ClusterFixtures.NS, name, replicas, WorkloadClass.QUORUM, labels);
  }
}
