package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Verdict;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpdateStrategyRuleTest {

  private final UpdateStrategyRule rule = new UpdateStrategyRule();

  private static StatefulSet onDelete() {
    StatefulSet set = defaultClassSet(3);
    set.getSpec().getUpdateStrategy().setType("OnDelete");
    set.getSpec().getUpdateStrategy().setRollingUpdate(null);
    return set;
  }

  @Test
  void reportsOnDeleteUpdateStrategy() {
    // Given a set that only updates pods someone deletes
    StatefulSet set = onDelete();

    // When / Then
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("update-strategy");
              assertThat(f.field()).isEqualTo("spec.updateStrategy.type");
              assertThat(f.message())
                  .startsWith("statefulset data/web uses updateStrategy OnDelete")
                  .contains("deletes that pod by hand")
                  .endsWith("set spec.updateStrategy.type: RollingUpdate");
            });
  }

  @Test
  void acceptsRollingUpdate() {
    assertThat(RuleHarness.check(rule, defaultClassSet(3))).isEmpty();
  }

  @Test
  void treatsMissingUpdateStrategyAsRollingUpdate() {
    // Given no updateStrategy, and one with no type: both default to RollingUpdate
    StatefulSet noStrategy = defaultClassSet(3);
    noStrategy.getSpec().setUpdateStrategy(null);
    StatefulSet noType = defaultClassSet(3);
    noType.getSpec().getUpdateStrategy().setType(null);

    // When / Then
    assertThat(RuleHarness.check(rule, noStrategy)).isEmpty();
    assertThat(RuleHarness.check(rule, noType)).isEmpty();
  }

  @Test
  void survivesSetWithoutSpec() {
    StatefulSet set = defaultClassSet(3);
    set.setSpec(null);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void appliesToQuorumWorkloadsToo() {
    StatefulSet set = StatefulSetFixtures.quorumSet(3);
    set.getSpec().getUpdateStrategy().setType("OnDelete");

    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void warnsByDefaultAndDeniesWhenEnforced() {
    // Given an OnDelete set
    StatefulSet set = onDelete();

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
    assertThat(byDefault.warnings()).extracting(Finding::rule).containsExactly("update-strategy");
    assertThat(enforced.allowed()).isFalse();
  }

  @Test
  void reportsNothingWhenPolicyTurnsRuleOff() {
    // Given an operator-managed OnDelete set whose policy turns the rule off
    StatefulSet set = onDelete();

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule, set, ClusterView.empty(), RuleHarness.policy(rule, Mode.OFF, Map.of(), Set.of()));

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).isEmpty();
  }
}
