package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disruption controller scales both minAvailable and maxUnavailable percentages against the
 * expected pod count and rounds up (GetScaledValueFromIntOrPercent with roundUp true).
 */
class BudgetsTest {

  @ParameterizedTest(name = "{0} of {1} = {2}")
  @CsvSource({
    "50%, 3, 2",
    "33%, 3, 1",
    "67%, 3, 3",
    "50%, 5, 3",
    "33%, 5, 2",
    "67%, 5, 4",
    "0%, 5, 0",
    "100%, 5, 5",
    "25%, 0, 0"
  })
  void scalesAPercentageRoundingUp(String percent, int total, int scaled) {
    assertThat(Budgets.scaled(new IntOrString(percent), total)).isEqualTo(scaled);
  }

  @Test
  void takesAWholeNumberAsItIs() {
    assertThat(Budgets.scaled(new IntOrString(2), 5)).isEqualTo(2);
    assertThat(Budgets.scaled(new IntOrString(7), 5)).as("not capped at the total").isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "half", ""})
  void rejectsAStringThatIsNoPercentage(String text) {
    assertThatThrownBy(() -> Budgets.scaled(new IntOrString(text), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a number nor a percentage");
  }

  @Test
  void rejectsAPercentageThatIsNoNumber() {
    assertThatThrownBy(() -> Budgets.scaled(new IntOrString("x%"), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x%' is not a valid percentage");
  }

  @ParameterizedTest(name = "minAvailable {0} of {1}: {2} healthy, {3} disruptions")
  @CsvSource({
    "1, 3, 1, 2",
    "2, 3, 2, 1",
    "3, 3, 3, 0",
    "5, 3, 5, 0",
    "50%, 3, 2, 1",
    "33%, 3, 1, 2",
    "67%, 3, 3, 0",
    "50%, 5, 3, 2",
    "33%, 5, 2, 3",
    "67%, 5, 4, 1",
    "100%, 5, 5, 0"
  })
  void minAvailableIsTheHealthyCount(
      String minAvailable, int expected, int healthy, int disruptions) {
    PodDisruptionBudget pdb = pdb(value(minAvailable), null);
    assertThat(Budgets.desiredHealthy(pdb, expected)).hasValue(healthy);
    assertThat(Budgets.allowedDisruptions(pdb, expected)).hasValue(disruptions);
  }

  @ParameterizedTest(name = "maxUnavailable {0} of {1}: {2} healthy, {3} disruptions")
  @CsvSource({
    "1, 3, 2, 1",
    "0, 3, 3, 0",
    "5, 3, 0, 3",
    "50%, 3, 1, 2",
    "33%, 3, 2, 1",
    "67%, 3, 0, 3",
    "50%, 5, 2, 3",
    "33%, 5, 3, 2",
    "67%, 5, 1, 4",
    "0%, 5, 5, 0"
  })
  void maxUnavailableIsTheExpectedCountLessTheRoundedUpAllowance(
      String maxUnavailable, int expected, int healthy, int disruptions) {
    PodDisruptionBudget pdb = pdb(null, value(maxUnavailable));
    assertThat(Budgets.desiredHealthy(pdb, expected)).hasValue(healthy);
    assertThat(Budgets.allowedDisruptions(pdb, expected)).hasValue(disruptions);
  }

  @Test
  void maxUnavailableDecidesWhenBothAreSet() {
    PodDisruptionBudget pdb = pdb(new IntOrString(3), new IntOrString(1));
    assertThat(Budgets.allowedDisruptions(pdb, 3)).hasValue(1);
    assertThat(Budgets.describe(pdb)).isEqualTo("maxUnavailable: 1");
  }

  @Test
  void hasNoAnswerWhenTheSpecSetsNeitherField() {
    PodDisruptionBudget neither = pdb(null, null);
    assertThat(Budgets.desiredHealthy(neither, 3)).isEmpty();
    assertThat(Budgets.allowedDisruptions(neither, 3)).isEmpty();
    assertThat(Budgets.describe(neither)).isEqualTo("neither minAvailable nor maxUnavailable");
    PodDisruptionBudget noSpec = new PodDisruptionBudget();
    assertThat(Budgets.allowedDisruptions(noSpec, 3)).isEmpty();
    assertThat(Budgets.describe(noSpec)).isEqualTo("no spec");
  }

  @Test
  void describesTheBudgetInItsOwnWords() {
    assertThat(Budgets.describe(pdb(new IntOrString(2), null))).isEqualTo("minAvailable: 2");
    assertThat(Budgets.describe(pdb(null, new IntOrString("50%"))))
        .isEqualTo("maxUnavailable: 50%");
  }

  private static IntOrString value(String text) {
    return text.endsWith("%") ? new IntOrString(text) : new IntOrString(Integer.parseInt(text));
  }

  private static PodDisruptionBudget pdb(IntOrString minAvailable, IntOrString maxUnavailable) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withNamespace("data")
        .withName("zk-pdb")
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(minAvailable)
        .withMaxUnavailable(maxUnavailable)
        .endSpec()
        .build();
  }
}
