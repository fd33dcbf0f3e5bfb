package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.matchLabels;
import static io.stateguard.policy.rules.ClusterFixtures.maxUnavailable;
import static io.stateguard.policy.rules.ClusterFixtures.minAvailable;
import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PdbOverlapTest {

  private final PdbOverlap rule = new PdbOverlap();
  private static final LabelSelector ZK = matchLabels(Map.of("app", "zk"));

  @Test
  void deniesASecondBudgetOverTheSamePods() {
    // Given: a chart's budget exists, and a hand-written one is added
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget existing = maxUnavailable("zk-chart-pdb", "1", ZK);
    PodDisruptionBudget added = minAvailable("zk-pdb", "2", ZK);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule, added, view(zk, existing, added), RuleHarness.policy(rule, Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("pdb-overlap");
              assertThat(f.field()).isEqualTo("spec.selector");
              assertThat(f.message())
                  .isEqualTo(
                      "pdb data/zk-pdb and pdb data/zk-chart-pdb both select the pods of"
                          + " statefulset data/zk: the eviction API refuses to evict a pod"
                          + " covered by more than one PodDisruptionBudget (HTTP 500), so node"
                          + " drains fail on them; keep one budget for the set: delete pdb"
                          + " data/zk-chart-pdb or narrow one of the selectors");
            });
  }

  @Test
  void ignoresItsOwnCopyInTheView() {
    // Given: a report's view holds the budget itself; on UPDATE the view holds its old version
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget old = maxUnavailable("zk-pdb", "1", ZK);
    PodDisruptionBudget updated = minAvailable("zk-pdb", "2", ZK);

    // Then
    assertThat(RuleHarness.check(rule, updated, view(zk, old), Map.of())).isEmpty();
  }

  @Test
  void allowsBudgetsOverDifferentSets() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    StatefulSet etcd = quorumSet("etcd", 3);
    PodDisruptionBudget etcdPdb =
        maxUnavailable("etcd-pdb", "1", matchLabels(Map.of("app", "etcd")));
    PodDisruptionBudget zkPdb = maxUnavailable("zk-pdb", "1", ZK);

    // Then
    assertThat(RuleHarness.check(rule, zkPdb, view(zk, etcd, etcdPdb, zkPdb), Map.of())).isEmpty();
  }

  @Test
  void ignoresBudgetsOfOtherNamespaces() {
    // Given
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget elsewhere =
        ClusterFixtures.pdb("other", "zk-pdb-2", null, new IntOrString(1), ZK);
    PodDisruptionBudget zkPdb = maxUnavailable("zk-pdb", "1", ZK);

    // Then
    assertThat(RuleHarness.check(rule, zkPdb, view(zk, elsewhere, zkPdb), Map.of())).isEmpty();
  }

  @Test
  void findsABudgetWithAnEmptySelectorOverlappingEveryOther() {
    // Given: in policy/v1 an empty selector selects every pod of the namespace
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget everything = maxUnavailable("namespace-pdb", "1", new LabelSelector());
    PodDisruptionBudget zkPdb = maxUnavailable("zk-pdb", "1", ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, zkPdb, view(zk, everything, zkPdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .startsWith("pdb data/zk-pdb and pdb data/namespace-pdb both select the pods of");
  }

  @Test
  void reportsEachSetAndEachOtherBudget() {
    // Given: the new budget selects two sets, each already covered by its own budget
    StatefulSet zk = tiered("zk");
    StatefulSet etcd = tiered("etcd");
    PodDisruptionBudget zkPdb = maxUnavailable("zk-pdb", "1", ZK);
    PodDisruptionBudget etcdPdb =
        maxUnavailable("etcd-pdb", "1", matchLabels(Map.of("app", "etcd")));
    PodDisruptionBudget tier =
        maxUnavailable(
            "tier-pdb",
            "1",
            new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("tier")
                .withOperator("In")
                .withValues("coordination")
                .endMatchExpression()
                .build());

    // When
    List<Finding> findings =
        RuleHarness.check(rule, tier, view(zk, etcd, zkPdb, etcdPdb, tier), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .satisfiesExactly(
            m ->
                assertThat(m)
                    .contains("and pdb data/zk-pdb both select the pods of statefulset data/zk"),
            m ->
                assertThat(m)
                    .contains(
                        "and pdb data/etcd-pdb both select the pods of statefulset data/etcd"));
  }

  private static StatefulSet tiered(String name) {
    return statefulSet(
        ClusterFixtures.NS,
        name,
        3,
        WorkloadClass.QUORUM,
        Map.of("app", name, "tier", "coordination"));
  }
}
