package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MutationInfoTest {

  @Test
  void everyMutationTakesOnUpdateOffByDefault() {
    MutationInfo info =
        new MutationInfo(
            "anti-affinity",
            "s",
            "w",
            true,
            List.of(ParamSpec.oneOf("type", "preferred", List.of("preferred", "required"), "t")));

    assertThat(info.params()).extracting(ParamSpec::name).containsExactly("type", "onUpdate");
    ParamSpec onUpdate = info.param("onUpdate").orElseThrow();
    assertThat(onUpdate.defaultValue()).isEqualTo(false);
    assertThat(onUpdate.description()).contains("restarts every pod");
  }

  @Test
  void aMutationOutsideThePodTemplateSaysItRestartsNothing() {
    MutationInfo info = new MutationInfo("pvc-retention", "s", "w", false, List.of());

    assertThat(info.param("onUpdate").orElseThrow().description()).contains("no pod restarts");
  }

  @Test
  void keepsADeclaredOnUpdateAndRefusesOneThatIsNotBoolean() {
    MutationInfo declared =
        new MutationInfo("x", "s", "w", false, List.of(ParamSpec.bool("onUpdate", true, "d")));
    assertThat(declared.params()).hasSize(1);
    assertThat(declared.param("onUpdate").orElseThrow().defaultValue()).isEqualTo(true);

    assertThatThrownBy(
            () ->
                new MutationInfo(
                    "x", "s", "w", false, List.of(ParamSpec.string("onUpdate", "yes", "d"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAnIdThatIsNotLowerCaseWithDashes() {
    assertThatThrownBy(() -> new MutationInfo("Anti_Affinity", "s", "w", false, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case-with-dashes");
  }
}
