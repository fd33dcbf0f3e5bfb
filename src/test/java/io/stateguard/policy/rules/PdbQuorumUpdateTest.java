package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.matchLabels;
import static io.stateguard.policy.rules.ClusterFixtures.maxUnavailable;
import static io.stateguard.policy.rules.ClusterFixtures.minAvailable;
import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code pdb-quorum} on StatefulSet UPDATEs: budgets re-checked for the set's new size. */
class PdbQuorumUpdateTest {

  private final PdbQuorum rule = new PdbQuorum();
  private static final LabelSelector ZK = matchLabels(Map.of("app", "zk"));

  @Test
  void deniesScalingUpPastWhatAnExistingBudgetKeeps() {
    // Given: minAvailable 2 keeps the quorum of 3, not the quorum of 5 (3)
    StatefulSet old = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "2", ZK);

    // When
    Verdict verdict = update(old, scaled(old, 5), pdb);

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("pdb-quorum");
              assertThat(f.field()).isEqualTo("spec.replicas");
              assertThat(f.object().toString()).isEqualTo("statefulset data/zk");
              assertThat(f.message())
                  .isEqualTo(
                      "scaling statefulset data/zk from 3 to 5 replicas: pdb data/zk-pdb allows 3"
                          + " of 5 members of statefulset data/zk down (minAvailable: 2); quorum"
                          + " needs 3 up: set minAvailable: 3 or maxUnavailable: 2; change pdb"
                          + " data/zk-pdb first, or to accept it, annotate the set"
                          + " stateguard.io/break-glass: \"<reason>\" in this update");
            });
  }

  @Test
  void allowsScalingUpUnderABudgetThatStillKeepsQuorum() {
    // Given: maxUnavailable 1 keeps quorum at any size from 3 up
    StatefulSet old = quorumSet("zk", 3);
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "1", ZK);

    // Then
    assertThat(update(old, scaled(old, 5), pdb).findings()).isEmpty();
  }

  @Test
  void deniesScalingDownUnderABudgetThatThenLetsTooManyGo() {
    // Given: maxUnavailable 2 is right for 5 members, too much for 3
    StatefulSet old = quorumSet("zk", 5);
    PodDisruptionBudget pdb = maxUnavailable("zk-pdb", "2", ZK);

    // When
    Verdict verdict = update(old, scaled(old, 3), pdb);

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .containsExactly(
            "scaling statefulset data/zk from 5 to 3 replicas: pdb data/zk-pdb allows 2 of 3"
                + " members of statefulset data/zk down (maxUnavailable: 2); quorum needs 2 up:"
                + " set minAvailable: 2 or maxUnavailable: 1; change pdb data/zk-pdb first, or to"
                + " accept it, annotate the set stateguard.io/break-glass: \"<reason>\" in this"
                + " update");
  }

  @Test
  void leavesABudgetThatWasAlreadyBelowQuorumToItsOwnAdmission() {
    // Given: minAvailable 1 already broke the quorum of 3
    StatefulSet old = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);

    // Then: this update is not what breaks it
    assertThat(update(old, scaled(old, 5), pdb).findings()).isEmpty();
  }

  @Test
  void reportsAnotherSetWhoseQuorumTheSharedBudgetStopsKeeping() {
    // Given: one budget over zk (3) and etcd (5): minAvailable 7 of 8 lets 1 go
    LabelSelector tier = matchLabels(Map.of("tier", "coordination"));
    StatefulSet zk = tiered("zk", 3);
    StatefulSet etcd = tiered("etcd", 5);
    PodDisruptionBudget pdb = minAvailable("coordination-pdb", "7", tier);

    // When: etcd grows to 7, so the budget counts 10 and lets 3 go, all of which may be zk's
    Verdict verdict =
        RuleHarness.update(
            rule, etcd, scaled(etcd, 7), view(zk, etcd, pdb), RuleHarness.policy(rule, Map.of()));

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .containsExactly(
            "scaling statefulset data/etcd from 5 to 7 replicas: pdb data/coordination-pdb allows"
                + " 3 of 3 members of statefulset data/zk down (minAvailable: 7); quorum needs 2"
                + " up: the budget counts 10 pods of 2 statefulsets together; narrow its selector"
                + " to the pods of statefulset data/zk and set minAvailable: 2 or maxUnavailable:"
                + " 1; change pdb data/coordination-pdb first, or to accept it, annotate the set"
                + " stateguard.io/break-glass: \"<reason>\" in this update");
  }

  @Test
  void reportsABudgetThatAnUpdateToClassQuorumPutsBelowQuorum() {
    // Given: an unclassified set becomes a quorum workload under an existing minAvailable 1
    StatefulSet old = statefulSet("zk", 3, WorkloadClass.DEFAULT);
    StatefulSet updated = quorumSet("zk", 3);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "1", ZK);

    // When
    Verdict verdict = update(old, updated, pdb);

    // Then
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEmpty();
              assertThat(f.message())
                  .startsWith(
                      "after this update of statefulset data/zk, pdb data/zk-pdb allows 2 of 3"
                          + " members of statefulset data/zk down (minAvailable: 1)");
            });
  }

  @Test
  void placesAStoredSetThatNamesNoNamespaceInTheRequestsNamespace() {
    // Given: the stored version without metadata.namespace
    StatefulSet stored = quorumSet("zk", 3);
    StatefulSet old =
        new StatefulSetBuilder(stored).editMetadata().withNamespace(null).endMetadata().build();
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "2", ZK);

    // When: the view holds the stored set in its namespace
    Verdict verdict =
        RuleHarness.update(
            rule, old, scaled(stored, 5), view(stored, pdb), RuleHarness.policy(rule, Map.of()));

    // Then: one set of 5, not the stored 3 counted beside it
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("allows 3 of 5 members of statefulset data/zk down (minAvailable: 2)");
  }

  @Test
  void checksOnlyQuorumWorkloads() {
    // Given
    StatefulSet old = statefulSet("pg", 3, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = minAvailable("pg-pdb", "1", matchLabels(Map.of("app", "pg")));

    // Then
    assertThat(update(old, scaled(old, 5), pdb).findings()).isEmpty();
  }

  @Test
  void leavesACreateToTheBudgetsOwnCheck() {
    // Given: a new set of 5 under an existing minAvailable 2
    StatefulSet zk = quorumSet("zk", 5);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "2", ZK);

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view(pdb), Map.of());

    // Then: a report judges the budget itself; in a cluster its own admission did
    assertThat(findings).isEmpty();
  }

  @Test
  void runsOnStatefulSetsAsWellAsBudgets() {
    // Given
    RuleInfo info = rule.info();
    StatefulSet zk = quorumSet("zk", 3);
    PolicyEngine engine =
        new PolicyEngine(
            new PolicySet(List.of(RuleHarness.policy(rule, Mode.ENFORCE, Map.of(), Set.of()))),
            List.of(rule));

    // Then: the id stays the one policies name, the budget stays its target
    assertThat(info.id()).isEqualTo("pdb-quorum");
    assertThat(info.target()).isEqualTo(RuleInfo.Target.PDB);
    assertThat(info.targets())
        .containsExactly(
            RuleInfo.Target.PDB, RuleInfo.Target.STATEFULSET, RuleInfo.Target.STATEFULSET_SCALE);
    assertThat(engine.rulesFor(Admission.ofManifest("uid", zk), view(zk)))
        .extracting(RuleInfo::id)
        .containsExactly("pdb-quorum");
  }

  private Verdict update(StatefulSet old, StatefulSet updated, PodDisruptionBudget pdb) {
    return RuleHarness.update(
        rule, old, updated, view(old, pdb), RuleHarness.policy(rule, Map.of()));
  }

  private static StatefulSet scaled(StatefulSet set, int replicas) {
    return new StatefulSetBuilder(set).editSpec().withReplicas(replicas).endSpec().build();
  }

  private static StatefulSet tiered(String name, int replicas) {
    return statefulSet(
        ClusterFixtures.NS,
        name,
        replicas,
        WorkloadClass.QUORUM,
        Map.of("app", name, "tier", "coordination"));
  }
}
