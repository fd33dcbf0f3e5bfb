package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleInfoTest {

  @Test
  void aRuleChecksItsTargetOnlyUnlessItNamesOtherKinds() {
    // Given
    RuleInfo single = info(List.of());
    RuleInfo both = info(List.of(RuleInfo.Target.STATEFULSET));

    // Then
    assertThat(single.checks(RuleInfo.Target.PDB)).isTrue();
    assertThat(single.checks(RuleInfo.Target.STATEFULSET)).isFalse();
    assertThat(single.targets()).containsExactly(RuleInfo.Target.PDB);
    assertThat(both.checks(RuleInfo.Target.STATEFULSET)).isTrue();
    assertThat(both.targets()).containsExactly(RuleInfo.Target.PDB, RuleInfo.Target.STATEFULSET);
  }

  @Test
  void rejectsOtherKindsThatRepeatTheTarget() {
    assertThatThrownBy(() -> info(List.of(RuleInfo.Target.PDB)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule some-rule");
    assertThatThrownBy(
            () -> info(List.of(RuleInfo.Target.STATEFULSET, RuleInfo.Target.STATEFULSET)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCatalogueListsEveryKindARuleChecks() {
    // Given
    Rule rule =
        new Rule() {
          @Override
          public RuleInfo info() {
            return RuleInfoTest.info(List.of(RuleInfo.Target.STATEFULSET));
          }

          @Override
          public void check(RuleContext ctx) {}
        };

    // When
    String markdown = RuleCatalogue.markdown(List.of(rule));

    // Then
    assertThat(markdown)
        .contains("| PodDisruptionBudget, StatefulSet | warn |")
        .contains("- **Applies to:** PodDisruptionBudget, StatefulSet\n");
  }

  private static RuleInfo info(List<RuleInfo.Target> alsoOn) {
    return new RuleInfo(
        "some-rule", "summary", "why", "fix", Mode.WARN, RuleInfo.Target.PDB, List.of(), alsoOn);
  }
}
