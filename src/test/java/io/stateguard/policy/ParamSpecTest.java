package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParamSpecTest {

  @Test
  void aStringFromAListAcceptsOnlyThoseValues() {
    ParamSpec type = ParamSpec.oneOf("type", "preferred", List.of("preferred", "required"), "d");

    assertThat(type.problem("required")).isEmpty();
    assertThat(type.problem("hard")).contains("expected preferred or required, got \"hard\"");
    assertThat(ParamSpec.oneOf("k", "a", List.of("a", "b", "c"), "d").problem("z").orElseThrow())
        .isEqualTo("expected a, b or c, got \"z\"");
  }

  @Test
  void anIntegerInARangeAcceptsOnlyThatRange() {
    ParamSpec weight = ParamSpec.integer("weight", 100, 1, 100, "d");

    assertThat(weight.bounded()).isTrue();
    assertThat(weight.problem(1)).isEmpty();
    assertThat(weight.problem(0)).contains("must be from 1 to 100, got 0");
    assertThat(weight.problem(101)).contains("must be from 1 to 100, got 101");
    assertThat(ParamSpec.integer("n", 5, "d").bounded()).isFalse();
  }

  @Test
  void refusesADefaultOutsideItsOwnConstraints() {
    assertThatThrownBy(() -> ParamSpec.oneOf("type", "soft", List.of("preferred"), "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default of type");
    assertThatThrownBy(() -> ParamSpec.integer("weight", 0, 1, 100, "d"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ParamSpec.integer("weight", 5, 10, 1, "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void refusesConstraintsOfTheWrongType() {
    assertThatThrownBy(
            () ->
                new ParamSpec(
                    "flag",
                    ParamSpec.Type.BOOLEAN,
                    true,
                    "d",
                    List.of("true"),
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ParamSpec("name", ParamSpec.Type.STRING, "x", "d", List.of(), 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
