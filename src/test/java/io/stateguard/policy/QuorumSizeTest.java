package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuorumSizeTest {

  @ParameterizedTest(name = "{0} members: {1} must stay up, {2} may be down")
  @CsvSource({"1, 1, 0", "2, 2, 0", "3, 2, 1", "4, 3, 1", "5, 3, 2", "6, 4, 2", "7, 4, 3"})
  void majorityIsMoreThanHalfOfTheMembers(int replicas, int needed, int tolerated) {
    assertThat(QuorumSize.MAJORITY.of(replicas)).isEqualTo(needed);
    assertThat(QuorumSize.MAJORITY.tolerated(replicas)).isEqualTo(tolerated);
  }

  @Test
  void anEmptySetNeedsNobody() {
    assertThat(QuorumSize.MAJORITY.of(0)).isZero();
    assertThat(QuorumSize.MAJORITY.tolerated(0)).isZero();
    assertThat(QuorumSize.parse("3").of(0)).isZero();
  }

  @ParameterizedTest(name = "count 3 of {0}: {1} up, {2} down")
  @CsvSource({"5, 3, 2", "3, 3, 0", "2, 2, 0", "7, 3, 4"})
  void aCountIsFixedButNeverMoreThanTheSet(int replicas, int needed, int tolerated) {
    QuorumSize three = QuorumSize.parse("3");
    assertThat(three.of(replicas)).isEqualTo(needed);
    assertThat(three.tolerated(replicas)).isEqualTo(tolerated);
  }

  @ParameterizedTest(name = "{0} of {1}: {2} up")
  @CsvSource({
    "60%, 5, 3",
    "60%, 3, 2", // 1.8 rounds up
    "50%, 3, 2", // 1.5 rounds up
    "50%, 4, 2",
    "34%, 3, 2", // 1.02 rounds up
    "100%, 5, 5",
    "1%, 7, 1"
  })
  void aPercentageRoundsUp(String quorum, int replicas, int needed) {
    assertThat(QuorumSize.parse(quorum).of(replicas)).isEqualTo(needed);
  }

  @Test
  void parsesEachFormAndPrintsItBack() {
    assertThat(QuorumSize.parse("majority")).isEqualTo(QuorumSize.MAJORITY);
    assertThat(QuorumSize.parse(" 4 ")).isEqualTo(new QuorumSize(QuorumSize.Kind.COUNT, 4));
    assertThat(QuorumSize.parse("60%")).isEqualTo(new QuorumSize(QuorumSize.Kind.PERCENT, 60));
    assertThat(QuorumSize.parse("majority")).hasToString("majority");
    assertThat(QuorumSize.parse("4")).hasToString("4");
    assertThat(QuorumSize.parse("60%")).hasToString("60%");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "most", "three", "2.5", "%", "x%", "Majority"})
  void rejectsTextThatIsNoQuorumSizeSayingWhatIsAllowed(String text) {
    assertThatThrownBy(() -> QuorumSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("'majority', a whole number or a percentage");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1"})
  void rejectsACountBelowOne(String text) {
    assertThatThrownBy(() -> QuorumSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0%", "101%", "-5%"})
  void rejectsAPercentageOutsideOneToAHundred(String text) {
    assertThatThrownBy(() -> QuorumSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 100");
  }
}
