package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.matchLabels;
import static io.stateguard.policy.rules.ClusterFixtures.maxUnavailable;
import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PdbCoverageTest {

  private final PdbCoverage rule = new PdbCoverage();

  @Test
  void warnsOfAQuorumSetNoBudgetCovers() {
    // Given: a policy that leaves the rule at its default mode
    StatefulSet zk = quorumSet("zk", 3);
    Policy defaults =
        new Policy(
            "defaults",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(),
            Policy.Exemptions.NONE);

    // When
    Verdict verdict = RuleHarness.verdict(rule, zk, view(zk), defaults);

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("pdb-coverage");
              assertThat(f.mode()).isEqualTo(Mode.WARN);
              assertThat(f.message())
                  .isEqualTo(
                      "no PodDisruptionBudget in namespace data selects the pods of statefulset"
                          + " data/zk, a quorum workload of 3 members: a node drain or cluster"
                          + " upgrade may evict several at once and lose quorum (2 must stay up);"
                          + " add a PodDisruptionBudget with selector matchLabels app=zk and"
                          + " maxUnavailable: 1");
            });
  }

  @Test
  void allowsAQuorumSetABudgetCovers() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "1", matchLabels(Map.of("app", "zk")));

    // Then
    assertThat(RuleHarness.check(rule, zk, view(zk, pdb), Map.of())).isEmpty();
  }

  @Test
  void countsOnlyBudgetsOfTheSetsNamespace() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget elsewhere =
        ClusterFixtures.pdb(
            "other", "zk-pdb", null, new IntOrString(1), matchLabels(Map.of("app", "zk")));

    // Then
    assertThat(RuleHarness.check(rule, zk, view(zk, elsewhere), Map.of())).hasSize(1);
  }

  @Test
  void asksOnlyQuorumWorkloadsForABudget() {
    // Given
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    StatefulSet redis = statefulSet("redis", 3, WorkloadClass.CACHE);
    StatefulSet app = statefulSet("app", 3, WorkloadClass.DEFAULT);

    // Then
    for (StatefulSet set : List.of(pg, redis, app)) {
      assertThat(RuleHarness.check(rule, set, view(set), Map.of()))
          .as(set.getMetadata().getName())
          .isEmpty();
    }
  }

  @Test
  void leavesASingleMemberAlone() {
    // Given: one member cannot lose several at once
    StatefulSet zk = quorumSet("zk", 1);

    // Then
    assertThat(RuleHarness.check(rule, zk, view(zk), Map.of())).isEmpty();
  }

  @Test
  void tellsASetTooSmallToLoseAnyMemberToGrow() {
    // Given
    StatefulSet zk = quorumSet("zk", 2);

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view(zk), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .endsWith(
            "it cannot lose any member and keep quorum: run 3 replicas and add a"
                + " PodDisruptionBudget with selector matchLabels app=zk and maxUnavailable: 1");
  }

  @Test
  void tellsAPolicyWhoseQuorumSparesNoMemberToLowerIt() {
    // Given: a policy wanting every member up
    StatefulSet zk = quorumSet("zk", 3);
    Policy everyone =
        new Policy(
            "everyone",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.of(QuorumSize.parse("100%")),
            Map.of(rule.id(), new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of())),
            Policy.Exemptions.NONE);

    // When
    Verdict verdict = RuleHarness.verdict(rule, zk, view(zk), everyone);

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("(3 must stay up)")
        .endsWith(
            "it cannot lose any member and keep quorum: quorum size 100% spares no member at any"
                + " size; lower it in the policy");
  }

  @Test
  void suggestsWhatTheQuorumToleratesForLargerSets() {
    // Given
    StatefulSet zk = quorumSet("zk", 5);

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view(zk), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("(3 must stay up)")
        .contains("maxUnavailable: 2");
  }

  @Test
  void judgesTheAdmittedSetNotTheOlderCopyInTheView() {
    // Given: the set's new version relabels its pods away from the budget's selector
    StatefulSet old = quorumSet("zk", 3);
    StatefulSet relabelled =
        statefulSet(ClusterFixtures.NS, "zk", 3, WorkloadClass.QUORUM, Map.of("app", "zk-v2"));
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "1", matchLabels(Map.of("app", "zk")));

    // When
    List<Finding> findings = RuleHarness.check(rule, relabelled, view(old, pdb), Map.of());

    // Then
    assertThat(findings).hasSize(1);
  }
}
