package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static io.stateguard.policy.rules.StatefulSetFixtures.quorumSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicasQuorumRuleTest {

  private final ReplicasQuorumRule rule = new ReplicasQuorumRule();

  @Test
  void reportsTwoMembersThatTolerateNoFailure() {
    // Given a quorum set of 2
    StatefulSet set = quorumSet(2);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("replicas-quorum");
              assertThat(f.field()).isEqualTo("spec.replicas");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk runs fewer members than the minimum of 3 for a quorum"
                          + " workload: replicas: 2 tolerates 0 failures; quorum needs 2 of 2; set"
                          + " spec.replicas to 3 or more");
            });
  }

  @Test
  void reportsSingleMember() {
    assertThat(RuleHarness.check(rule, quorumSet(1)))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("replicas: 1 tolerates 0 failures; quorum needs 1 of 1");
  }

  @Test
  void reportsEvenMemberCount() {
    // Given a quorum set of 4
    StatefulSet set = quorumSet(4);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then it says 4 tolerates no more than 3, and offers both odd neighbours
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo("spec.replicas");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk has a member that adds no fault tolerance: replicas: 4"
                          + " tolerates 1 failure; quorum needs 3 of 4; replicas: 3 tolerates as many, so"
                          + " the extra member is only one more that can fail and one more vote to wait"
                          + " for; set spec.replicas to 3 or 5");
            });
  }

  @Test
  void offersTheOddNeighboursOfLargerEvenCounts() {
    assertThat(RuleHarness.check(rule, quorumSet(6)))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("replicas: 6 tolerates 2 failures; quorum needs 4 of 6")
        .endsWith("set spec.replicas to 5 or 7");
  }

  @ParameterizedTest(name = "{0} replicas")
  @ValueSource(ints = {3, 5, 7, 9})
  void acceptsOddCountsFromThree(int replicas) {
    assertThat(RuleHarness.check(rule, quorumSet(replicas))).isEmpty();
  }

  @Test
  void acceptsSetScaledToZero() {
    // Given a quorum set being shut down on purpose
    assertThat(RuleHarness.check(rule, quorumSet(0))).isEmpty();
  }

  @Test
  void treatsMissingReplicasAsOne() {
    // Given a raw quorum manifest without replicas (the API server defaults 1)
    StatefulSet set =
        RuleHarness.parse(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: zk
              namespace: data
              labels: {stateguard.io/class: quorum}
            """,
            StatefulSet.class);

    // When / Then
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("replicas: 1 tolerates 0 failures");
  }

  @Test
  void honoursMinReplicasFromThePolicy() {
    // Given a policy that wants at least 5 members
    Map<String, Object> params = Map.of("minReplicas", 5);

    // When / Then: 3 is now too few, 5 is enough
    assertThat(RuleHarness.check(rule, quorumSet(3), params))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("fewer members than the minimum of 5")
        .contains("replicas: 3 tolerates 1 failure; quorum needs 2 of 3")
        .endsWith("set spec.replicas to 5 or more");
    assertThat(RuleHarness.check(rule, quorumSet(5), params)).isEmpty();
  }

  @Test
  void suggestsAnOddCountWhenTheMinimumIsEven() {
    // Given a policy minimum of 4, which would itself be an even count
    assertThat(RuleHarness.check(rule, quorumSet(3), Map.of("minReplicas", 4)))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .endsWith("set spec.replicas to 5 or more");
  }

  @Test
  void acceptsSingleMemberWhenPolicyAllowsIt() {
    // Given a development policy that allows a single member
    Map<String, Object> params = Map.of("minReplicas", 1);

    // When / Then: 1 passes, 2 is still worse than 1
    assertThat(RuleHarness.check(rule, quorumSet(1), params)).isEmpty();
    assertThat(RuleHarness.check(rule, quorumSet(2), params))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("replicas: 2 tolerates 0 failures; quorum needs 2 of 2")
        .endsWith("set spec.replicas to 1 or 3");
  }

  @Test
  void judgesUselessMembersByThePolicysQuorumSize() {
    // Given a policy whose quorum is a fixed 2 members: every member above 2 adds tolerance
    Verdict fixed =
        RuleHarness.verdict(
            rule,
            quorumSet(4),
            ClusterView.empty(),
            StatefulSetFixtures.withQuorum(rule, QuorumSize.parse("2"), Map.of()));
    // and one whose quorum is 60%: 4 members need 3 up, tolerating 1, like 3 members
    Verdict percent =
        RuleHarness.verdict(
            rule,
            quorumSet(4),
            ClusterView.empty(),
            StatefulSetFixtures.withQuorum(rule, QuorumSize.parse("60%"), Map.of()));

    // Then
    assertThat(fixed.findings()).isEmpty();
    assertThat(percent.findings())
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("replicas: 4 tolerates 1 failure; quorum needs 3 of 4");
  }

  @Test
  void ignoresDefaultClassWorkload() {
    // Given sets that are not quorum systems
    assertThat(RuleHarness.check(rule, defaultClassSet(2))).isEmpty();
    assertThat(RuleHarness.check(rule, defaultClassSet(4))).isEmpty();
  }

  @Test
  void warnsByDefaultAndDeniesWhenEnforced() {
    // Given a quorum set of 2
    StatefulSet set = quorumSet(2);

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
    assertThat(enforced.violations()).hasSize(1);
  }
}
