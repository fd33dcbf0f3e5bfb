package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static io.stateguard.policy.rules.StatefulSetFixtures.quorumSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
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
import org.junit.jupiter.params.provider.CsvSource;

class RollingMaxUnavailableRuleTest {

  private static final String FIELD = "spec.updateStrategy.rollingUpdate.maxUnavailable";

  private final RollingMaxUnavailableRule rule = new RollingMaxUnavailableRule();

  private static StatefulSet withMaxUnavailable(StatefulSet set, Object value) {
    set.getSpec().getUpdateStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString(value));
    return set;
  }

  private static StatefulSet quorum(int replicas, Object maxUnavailable) {
    return withMaxUnavailable(quorumSet(replicas), maxUnavailable);
  }

  @Test
  void reportsRollingUpdateThatLosesQuorum() {
    // Given a quorum set of 3 that may take 2 members down at once
    StatefulSet set = quorum(3, 2);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("rolling-max-unavailable");
              assertThat(f.field()).isEqualTo(FIELD);
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk lets a rolling update take 2 of 3 members down at once"
                          + " (maxUnavailable: 2), but quorum needs 2 of 3 up, so it tolerates only 1"
                          + " down: every rollout loses quorum; set "
                          + FIELD
                          + " to 1");
            });
  }

  @Test
  void reportsRollingUpdateThatUsesUpTheFailureMargin() {
    // Given a quorum set of 5 (tolerates 2 down) that may take 2 down at once
    StatefulSet set = quorum(5, 2);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then quorum survives the rollout itself, but nothing else may fail meanwhile
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field()).isEqualTo(FIELD);
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk lets a rolling update take 2 of 5 members down at once"
                          + " (maxUnavailable: 2), more than the 1 allowed: with quorum at 3 of 5, any"
                          + " other failure during the rollout loses quorum; set "
                          + FIELD
                          + " to 1");
            });
  }

  @Test
  void countsTheMarginThatIsLeft() {
    // Given a quorum set of 7 (tolerates 3 down) that may take 2 down at once
    StatefulSet set = quorum(7, 2);

    // When / Then
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("with quorum at 4 of 7, only 1 other failure during the rollout can be survived");
  }

  @Test
  void acceptsOneAtATime() {
    assertThat(RuleHarness.check(rule, quorum(3, 1))).isEmpty();
    assertThat(RuleHarness.check(rule, quorum(5, "20%"))).isEmpty();
  }

  @Test
  void acceptsUnsetMaxUnavailable() {
    // Given the fixture set: RollingUpdate with no maxUnavailable (the controller uses 1)
    assertThat(RuleHarness.check(rule, quorumSet(5))).isEmpty();
  }

  @Test
  void acceptsWhatThePolicyAllowsWhenQuorumToleratesIt() {
    // Given a policy that lets large sets roll two members at a time
    Map<String, Object> params = Map.of("max", 2);

    // When / Then: fine for 5 members, which tolerate 2 down...
    assertThat(RuleHarness.check(rule, quorum(5, 2), params)).isEmpty();
    // ... but never beyond what the quorum tolerates, whatever the policy says
    assertThat(RuleHarness.check(rule, quorum(3, 2), params))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("every rollout loses quorum");
  }

  @ParameterizedTest(name = "maxUnavailable {1} of {0} replicas takes {2} down")
  @CsvSource({
    // rounded down, where a PodDisruptionBudget would round up
    "5, 50%, 2, 'the 1 allowed'",
    "3, 50%, 1, ''",
    "4, 50%, 2, 'every rollout loses quorum'",
    "3, 66%, 1, ''",
    "3, 67%, 2, 'every rollout loses quorum'",
    // at least 1
    "3, 10%, 1, ''",
    "3, 1%, 1, ''",
    // capped at the replica count
    "3, 100%, 3, 'every rollout loses quorum'",
    "3, 10, 3, 'every rollout loses quorum'",
    "1, 5, 1, ''",
  })
  void scalesMaxUnavailableLikeTheStatefulSetController(
      int replicas, String maxUnavailable, int down, String expected) {
    // Given a quorum set with an int or percent maxUnavailable
    Object value = maxUnavailable.endsWith("%") ? maxUnavailable : Integer.valueOf(maxUnavailable);
    StatefulSet set = quorum(replicas, value);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    if (expected.isEmpty()) {
      assertThat(findings).isEmpty();
    } else {
      String shown =
          maxUnavailable.endsWith("%")
              ? maxUnavailable + " of " + replicas + ", rounded down"
              : maxUnavailable;
      assertThat(findings)
          .singleElement()
          .extracting(Finding::message)
          .asString()
          .contains("take " + down + " of " + replicas + " members down at once")
          .contains("(maxUnavailable: " + shown + ")")
          .contains(expected);
    }
  }

  @Test
  void usesThePolicysQuorumSize() {
    // Given a policy whose quorum is 2 members, so a set of 5 tolerates 3 down
    StatefulSet set = quorum(5, 3);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            set,
            ClusterView.empty(),
            StatefulSetFixtures.withQuorum(rule, QuorumSize.parse("2"), Map.of("max", 3)));

    // Then 3 down is within both the quorum's tolerance and the policy's max
    assertThat(verdict.findings()).isEmpty();
  }

  @Test
  void ignoresDefaultClassWorkload() {
    // Given a set of 3 that is not a quorum system
    StatefulSet set = withMaxUnavailable(defaultClassSet(3), 2);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void ignoresValuesTheApiServerRejects() {
    // Given a value that is neither a number nor a percentage
    assertThat(RuleHarness.check(rule, quorum(3, "two"))).isEmpty();
    assertThat(RuleHarness.check(rule, quorum(3, "x%"))).isEmpty();
  }

  @Test
  void ignoresOnDeleteAndMissingStrategy() {
    // Given OnDelete with a stray maxUnavailable, and sets without rollingUpdate or strategy
    StatefulSet onDelete = quorum(3, 2);
    onDelete.getSpec().getUpdateStrategy().setType("OnDelete");
    StatefulSet noRolling = quorumSet(3);
    noRolling.getSpec().getUpdateStrategy().setRollingUpdate(null);
    StatefulSet noStrategy = quorumSet(3);
    noStrategy.getSpec().setUpdateStrategy(null);

    // When / Then
    assertThat(RuleHarness.check(rule, onDelete)).isEmpty();
    assertThat(RuleHarness.check(rule, noRolling)).isEmpty();
    assertThat(RuleHarness.check(rule, noStrategy)).isEmpty();
  }

  @Test
  void ignoresSetScaledToZero() {
    assertThat(RuleHarness.check(rule, quorum(0, 2))).isEmpty();
  }

  @Test
  void warnsByDefaultAndDeniesWhenEnforced() {
    // Given a rollout that loses quorum
    StatefulSet set = quorum(3, 2);

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
