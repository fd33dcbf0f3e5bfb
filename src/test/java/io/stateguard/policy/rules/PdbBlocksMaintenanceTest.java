package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.budget;
import static io.stateguard.policy.rules.ClusterFixtures.matchLabels;
import static io.stateguard.policy.rules.ClusterFixtures.maxUnavailable;
import static io.stateguard.policy.rules.ClusterFixtures.minAvailable;
import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PdbBlocksMaintenanceTest {

  private final PdbBlocksMaintenance rule = new PdbBlocksMaintenance();
  private static final LabelSelector PG = matchLabels(Map.of("app", "pg"));

  @ParameterizedTest(name = "{0}: {1} on {2} replicas -> blocks {3}")
  @CsvSource({
    "minAvailable, 3, 3, true",
    "minAvailable, 5, 3, true",
    "minAvailable, 2, 3, false",
    "minAvailable, 100%, 3, true",
    "minAvailable, 67%, 3, true", // 2.01 rounds up to 3
    "minAvailable, 90%, 5, true", // 4.5 rounds up to 5
    "minAvailable, 80%, 5, false",
    "maxUnavailable, 0, 3, true",
    "maxUnavailable, 0%, 3, true",
    "maxUnavailable, 1, 3, false",
    "maxUnavailable, 10%, 3, false" // 0.3 rounds up to 1
  })
  void findsBudgetsThatAllowNoDisruption(String field, String value, int replicas, boolean blocks) {
    // Given
    StatefulSet pg = statefulSet("pg", replicas, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = budget("pg-pdb", field, value, PG);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(pg, pdb), Map.of());

    // Then
    assertThat(findings)
        .as("%s: %s on %d replicas", field, value, replicas)
        .hasSize(blocks ? 1 : 0);
    findings.forEach(f -> assertThat(f.field()).isEqualTo("spec." + field));
  }

  @Test
  void saysThatDrainsWaitForeverAndHowToLetThemThrough() {
    // Given
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = minAvailable("pg-pdb", "3", PG);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(pg, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/pg-pdb allows no voluntary disruption of the 3 pods it selects"
                + " (minAvailable: 3): every node drain or cluster upgrade that reaches a pod of"
                + " statefulset data/pg waits forever; set maxUnavailable: 1");
  }

  @Test
  void keepsTheQuorumInViewWhenSuggestingABudget() {
    // Given
    StatefulSet zk = quorumSet("zk", 5);
    PodDisruptionBudget pdb = minAvailable("zk-pdb", "100%", matchLabels(Map.of("app", "zk")));

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(zk, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "pdb data/zk-pdb allows no voluntary disruption of the 5 pods it selects"
                + " (minAvailable: 100% = 5 of 5 pods, rounded up): every node drain or cluster"
                + " upgrade that reaches a pod of statefulset data/zk waits forever; set"
                + " maxUnavailable: 1 (then 4 of 5 stay up; quorum needs 3)");
  }

  @Test
  void offersAPersonWaitingForDrainsAWayToSaySoForASingleInstance() {
    // Given
    StatefulSet pg = statefulSet("pg", 1, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = maxUnavailable("pg-pdb", "0", PG);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(pg, pdb), Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .endsWith(
            "set maxUnavailable: 1 to let drains move its single pod, or, if they should wait"
                + " for a person, set this rule to audit in a policy");
  }

  @Test
  void reportsEachSetAgainstTheCountOfAllItSelects() {
    // Given: 6 pods in two sets; minAvailable 6 blocks, 5 does not
    LabelSelector data = matchLabels(Map.of("tier", "data"));
    StatefulSet pg = tiered("pg", 3);
    StatefulSet mysql = tiered("mysql", 3);

    // When
    List<Finding> six =
        RuleHarness.check(rule, minAvailable("data-pdb", "6", data), view(pg, mysql), Map.of());
    List<Finding> five =
        RuleHarness.check(rule, minAvailable("data-pdb", "5", data), view(pg, mysql), Map.of());

    // Then
    assertThat(six)
        .extracting(Finding::message)
        .satisfiesExactly(
            m -> assertThat(m).contains("of the 6 pods it selects").contains("statefulset data/pg"),
            m -> assertThat(m).contains("statefulset data/mysql"));
    assertThat(five).isEmpty();
  }

  @Test
  void findsABudgetSettingNeitherFieldBlocksEverything() {
    // Given: accepted by the API server; the controller then expects 0 pods and allows none
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = ClusterFixtures.pdb(ClusterFixtures.NS, "pg-pdb", null, null, PG);

    // When
    List<Finding> findings = RuleHarness.check(rule, pdb, view(pg, pdb), Map.of());

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo("spec");
              assertThat(f.message())
                  .contains(
                      "(it sets neither minAvailable nor maxUnavailable, so the disruption"
                          + " controller expects no pods and allows no disruption)");
            });
  }

  @ParameterizedTest(name = "{0}: {1} -> blocks {2}")
  @CsvSource({
    "maxUnavailable, 0, true",
    "maxUnavailable, 0%, true",
    "minAvailable, 100%, true",
    "maxUnavailable, 1, false",
    "minAvailable, 3, false", // depends on how many pods it will select
    "minAvailable, 99%, false"
  })
  void judgesABudgetSelectingNoKnownSetByItsSpecAlone(String field, String value, boolean blocks) {
    // Given: the workload is not among the manifests
    PodDisruptionBudget pdb = budget("web-pdb", field, value, matchLabels(Map.of("app", "web")));

    // When
    List<Finding> findings =
        RuleHarness.check(
            rule, pdb, view(statefulSet("pg", 3, WorkloadClass.DATABASE), pdb), Map.of());

    // Then
    assertThat(findings).hasSize(blocks ? 1 : 0);
    findings.forEach(
        f ->
            assertThat(f.message())
                .isEqualTo(
                    "pdb data/web-pdb allows no voluntary disruption of any pod it selects ("
                        + field
                        + ": "
                        + value
                        + "): every node drain or cluster upgrade that reaches one of them waits"
                        + " forever; set maxUnavailable: 1, or no more than the quorum of the"
                        + " workload tolerates"));
  }

  @Test
  void judgesABudgetOverASetScaledToZeroByItsSpecAlone() {
    // Given
    StatefulSet pg = statefulSet("pg", 0, WorkloadClass.DATABASE);

    // Then
    assertThat(RuleHarness.check(rule, maxUnavailable("pg-pdb", "1", PG), view(pg), Map.of()))
        .isEmpty();
    assertThat(RuleHarness.check(rule, maxUnavailable("pg-pdb", "0", PG), view(pg), Map.of()))
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("of any pod it selects");
  }

  @Test
  void saysNothingOfABudgetWithoutSelector() {
    // Given: a policy/v1 budget without selector selects no pod, so it blocks nothing
    PodDisruptionBudget pdb = maxUnavailable("pg-pdb", "0", null);

    // Then
    assertThat(RuleHarness.check(rule, pdb, view(pdb), Map.of())).isEmpty();
  }

  @Test
  void warnsByDefault() {
    // Given
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = maxUnavailable("pg-pdb", "0", PG);
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
    Verdict verdict = RuleHarness.verdict(rule, pdb, view(pg, pdb), defaults);

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).extracting(Finding::mode).containsExactly(Mode.WARN);
  }

  @Test
  void saysNothingForASetNoPolicyGoverns() {
    // Given: the policy matches only quorum sets, and pg is a database
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    PodDisruptionBudget pdb = maxUnavailable("pg-pdb", "0", PG);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            pdb,
            view(pg, pdb),
            RuleHarness.policy(rule, Mode.ENFORCE, Map.of(), Set.of(WorkloadClass.QUORUM)));

    // Then
    assertThat(verdict.findings()).isEmpty();
  }

  private static StatefulSet tiered(String name, int replicas) {
    return statefulSet(
        ClusterFixtures.NS,
        name,
        replicas,
        WorkloadClass.DATABASE,
        Map.of("app", name, "tier", "data"));
  }
}
