package io.stateguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.stateguard.policy.Mode;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Policy;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code spec.mutations}: its two forms, and each way it can be wrong. */
class PolicyLoaderMutationsTest {

  private static final String HEAD =
      """
      apiVersion: stateguard.io/v1
      kind: StatefulPolicy
      metadata:
        name: quorum-systems
      spec:
      """;

  private static Policy load(String spec) throws PolicyException {
    return PolicyLoader.load("quorum.yaml", HEAD + spec, TestRules.ALL, TestRules.MUTATIONS)
        .policies()
        .get(0);
  }

  private static List<String> problems(String spec, List<MutationInfo> mutations) {
    try {
      PolicyLoader.load("quorum.yaml", HEAD + spec, TestRules.ALL, mutations);
    } catch (PolicyException e) {
      return e.problems().stream().map(PolicyProblem::toString).toList();
    }
    return fail("loading should have failed:\n" + spec);
  }

  @Test
  void readsOnAndOffAloneAndMapsOfModeAndParameters() throws PolicyException {
    // When a policy turns one mutation on with parameters and another off
    Policy policy =
        load(
            """
              mutations:
                anti-affinity:
                  mode: on
                  type: required
                  weight: 40
                  onUpdate: true
                pvc-retention: off
            """);

    // Then both are read, apart from the rules of the same ids
    assertThat(policy.mutations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "anti-affinity",
                new Policy.MutationSetting(
                    Optional.of(true), Map.of("type", "required", "weight", 40, "onUpdate", true)),
                "pvc-retention",
                new Policy.MutationSetting(Optional.of(false), Map.of())));
    assertThat(policy.rules()).isEmpty();
  }

  @Test
  void aMapWithoutModeSetsParametersOnly() throws PolicyException {
    Policy policy = load("  mutations:\n    pvc-retention: {whenScaled: Retain}\n");

    assertThat(policy.mutations().get("pvc-retention"))
        .isEqualTo(new Policy.MutationSetting(Optional.empty(), Map.of("whenScaled", "Retain")));
  }

  @Test
  void aRuleAndAMutationOfOneIdAreConfiguredApart() throws PolicyException {
    Policy policy =
        load(
            """
              rules:
                anti-affinity: enforce
              mutations:
                anti-affinity: on
            """);

    assertThat(policy.rules().get("anti-affinity").mode()).contains(Mode.ENFORCE);
    assertThat(policy.mutations().get("anti-affinity").enabled()).contains(true);
  }

  @Test
  void rejectsABooleanModeWithAHint() {
    assertThat(problems("  mutations:\n    anti-affinity: true\n", TestRules.MUTATIONS))
        .containsExactly(
            "quorum.yaml:7:20: spec.mutations.anti-affinity: expected on or off, got boolean true"
                + " (a mutation is on or off, not true or false)");
  }

  @Test
  void rejectsAValueThatIsNeitherAModeNorAMap() {
    assertThat(problems("  mutations:\n    anti-affinity: [on]\n", TestRules.MUTATIONS))
        .containsExactly(
            "quorum.yaml:7:20: spec.mutations.anti-affinity: expected on, off or a map of mode and"
                + " parameters, got a list");
  }

  @Test
  void reportsEveryProblemOfTheSection() {
    assertThat(
            problems(
                """
                  mutations:
                    anti-affinity: {mode: yes, weight: 101, type: soft}
                    topology-spread: on
                """,
                TestRules.MUTATIONS))
        .containsExactly(
            "quorum.yaml:7:27: spec.mutations.anti-affinity.mode: unknown mode \"yes\" (a"
                + " mutation is on or off; enforce, warn and audit are modes of rules)",
            "quorum.yaml:7:40: spec.mutations.anti-affinity.weight: must be from 1 to 100, got"
                + " 101",
            "quorum.yaml:7:51: spec.mutations.anti-affinity.type: expected preferred or"
                + " required, got \"soft\"",
            "quorum.yaml:8:5: spec.mutations.topology-spread: unknown mutation topology-spread"
                + " (known: anti-affinity, pvc-retention)");
  }

  @Test
  void aLoaderToldOfNoMutationsRejectsThemAll() {
    assertThat(problems("  mutations:\n    anti-affinity: on\n", List.of()))
        .containsExactly(
            "quorum.yaml:7:5: spec.mutations.anti-affinity: unknown mutation anti-affinity (it is"
                + " a rule: set its mode under spec.rules)");
  }

  @Test
  void checksTheAllowedValuesOfARuleParameterToo() {
    RuleInfo rule =
        new RuleInfo(
            "shape",
            "s",
            "w",
            "f",
            Mode.WARN,
            RuleInfo.Target.STATEFULSET,
            List.of(ParamSpec.oneOf("kind", "round", List.of("round", "square"), "d")));

    try {
      PolicyLoader.load("p.yaml", HEAD + "  rules:\n    shape: {kind: oval}\n", List.of(rule));
      fail("should not load");
    } catch (PolicyException e) {
      assertThat(e.problems())
          .extracting(PolicyProblem::toString)
          .containsExactly(
              "p.yaml:7:19: spec.rules.shape.kind: expected round or square, got \"oval\"");
    }
  }

  @Test
  void refusesMutationCataloguesAPolicyCouldNotAddress() {
    MutationInfo withMode =
        new MutationInfo("odd", "s", "w", false, List.of(ParamSpec.string("mode", "x", "d")));
    assertThatThrownBy(() -> PolicySchema.generate(List.of(), List.of(withMode)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mutation odd has a parameter named mode");
    assertThatThrownBy(
            () ->
                PolicyLoader.load(
                    "p.yaml",
                    HEAD + "  {}\n",
                    List.of(),
                    List.of(TestRules.RETENTION_MUTATION, TestRules.RETENTION_MUTATION)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two mutations have the id pvc-retention");
  }
}
