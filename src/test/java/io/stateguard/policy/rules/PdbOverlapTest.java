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
import io.stateguard.policy.ClusterView;
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
                          + " drains fail on them; to leave one budget for statefulset data/zk,"
                          + " keep one of pdb data/zk-chart-pdb and pdb data/zk-pdb (each selects"
                          + " 3 pods of 1 statefulset) and delete the other; or narrow the"
                          + " selectors so that each pod is selected by exactly one budget");
            });
  }

  @Test
  void givesEqualBudgetsTheSameAdviceFromBothSides() {
    // Given: two budgets over the same pods, each admitted while the other exists
    StatefulSet zk = quorumSet("zk", 3);
    PodDisruptionBudget chart = maxUnavailable("zk-chart-pdb", "1", ZK);
    PodDisruptionBudget handWritten = minAvailable("zk-pdb", "2", ZK);

    // When
    String chartMessage =
        RuleHarness.check(rule, chart, view(zk, chart, handWritten), Map.of()).get(0).message();
    String handWrittenMessage =
        RuleHarness.check(rule, handWritten, view(zk, chart, handWritten), Map.of())
            .get(0)
            .message();

    // Then: both name the two budgets alike and ask to keep one, not to delete the other one
    assertThat(advice(chartMessage))
        .isEqualTo(advice(handWrittenMessage))
        .startsWith(
            "to leave one budget for statefulset data/zk, keep one of pdb data/zk-chart-pdb and"
                + " pdb data/zk-pdb (each selects 3 pods of 1 statefulset) and delete the other;");
  }

  @Test
  void pointsEveryBudgetOfAGroupAtTheBroaderOnes() {
    // Given: per-role budgets for controllers and brokers, and an umbrella budget over both
    Map<String, String> controllerLabels = Map.of("app", "kafka", "role", "controller");
    Map<String, String> brokerLabels = Map.of("app", "kafka", "role", "broker");
    StatefulSet controllers =
        statefulSet(ClusterFixtures.NS, "controller", 3, WorkloadClass.QUORUM, controllerLabels);
    StatefulSet brokers =
        statefulSet(ClusterFixtures.NS, "broker", 3, WorkloadClass.QUORUM, brokerLabels);
    PodDisruptionBudget controllerPdb =
        maxUnavailable("controller-pdb", "1", matchLabels(controllerLabels));
    PodDisruptionBudget brokerPdb = maxUnavailable("broker-pdb", "1", matchLabels(brokerLabels));
    PodDisruptionBudget umbrella =
        maxUnavailable("kafka-pdb", "1", matchLabels(Map.of("app", "kafka")));
    ClusterView cluster = view(controllers, brokers, controllerPdb, brokerPdb, umbrella);

    // When: each of the three budgets is checked
    List<String> messages =
        List.of(controllerPdb, brokerPdb, umbrella).stream()
            .flatMap(b -> RuleHarness.check(rule, b, cluster, Map.of()).stream())
            .map(Finding::message)
            .toList();

    // Then: every finding keeps the per-role budget and deletes the umbrella, so following all of
    // them leaves exactly one budget per set
    assertThat(messages).hasSize(4);
    assertThat(messages)
        .filteredOn(m -> m.contains("both select the pods of statefulset data/controller"))
        .extracting(PdbOverlapTest::advice)
        .hasSize(2)
        .containsOnly(
            "to leave one budget for statefulset data/controller, keep the narrowest, pdb"
                + " data/controller-pdb (3 pods of 1 statefulset), and delete the broader one, pdb"
                + " data/kafka-pdb (6 pods of 2 statefulsets); or narrow the selectors so that"
                + " each pod is selected by exactly one budget");
    assertThat(messages)
        .filteredOn(m -> m.contains("both select the pods of statefulset data/broker"))
        .extracting(PdbOverlapTest::advice)
        .hasSize(2)
        .allSatisfy(
            a ->
                assertThat(a)
                    .contains("keep the narrowest, pdb data/broker-pdb")
                    .contains("delete the broader one, pdb data/kafka-pdb"));
  }

  @Test
  void keepsOneOfTheNarrowestAndDeletesEveryBroaderBudget() {
    // Given: two equal budgets over zk and a namespace-wide one over zk and etcd
    StatefulSet zk = quorumSet("zk", 3);
    StatefulSet etcd = quorumSet("etcd", 3);
    PodDisruptionBudget a = maxUnavailable("zk-a", "1", ZK);
    PodDisruptionBudget b = maxUnavailable("zk-b", "1", ZK);
    PodDisruptionBudget everything = maxUnavailable("namespace-pdb", "1", new LabelSelector());

    // When
    List<Finding> findings = RuleHarness.check(rule, a, view(zk, etcd, a, b, everything), Map.of());

    // Then
    assertThat(findings)
        .extracting(f -> advice(f.message()))
        .hasSize(2)
        .containsOnly(
            "to leave one budget for statefulset data/zk, keep one of pdb data/zk-a and pdb"
                + " data/zk-b (each selects 3 pods of 1 statefulset) and delete the other, and"
                + " delete the broader one, pdb data/namespace-pdb (6 pods of 2 statefulsets); or"
                + " narrow the selectors so that each pod is selected by exactly one budget");
  }

  /** The part of a message after the consequence: what to do. */
  private static String advice(String message) {
    return message.substring(message.indexOf("drains fail on them; ") + 21);
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
