package io.stateguard.policy.mutations;

import static io.stateguard.policy.mutations.MutationHarness.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.mutations.StatefulSetVariants.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Properties every mutation keeps on every generated variant of a StatefulSet, under several
 * policies: the patch is exactly the change, a second pass adds nothing, what the owner chose and
 * what is not the mutation's stays as it was, and the validation the mutation serves is satisfied.
 */
class MutationVariantsTest {

  private static final List<Variant> VARIANTS = StatefulSetVariants.generate(20261121L, 150);

  private static final Map<String, PolicyEngine> POLICIES = new LinkedHashMap<>();

  static {
    POLICIES.put(
        "every mutation with its defaults",
        engine("pvc-retention: on\n    anti-affinity: on\n    topology-spread: on"));
    POLICIES.put(
        "required zone anti-affinity, hostname spread, claims deleted",
        engine(
            """
            anti-affinity: {mode: on, type: required, topologyKey: topology.kubernetes.io/zone}
                topology-spread:
                  mode: on
                  topologyKey: kubernetes.io/hostname
                  maxSkew: 2
                  whenUnsatisfiable: DoNotSchedule
                pvc-retention: {mode: on, whenDeleted: Delete, whenScaled: Delete}"""));
    POLICIES.put(
        "light preferred anti-affinity, retention as the API default",
        engine(
            "anti-affinity: {mode: on, weight: 7}\n"
                + "    pvc-retention: {mode: on, whenScaled: Retain}"));
    POLICIES.put("spread only", engine("topology-spread: on"));
  }

  private static PolicyEngine engine(String mutations) {
    return MutationHarness.engine(
        """
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: variants
        spec:
          rules:
            anti-affinity: enforce
          mutations:
            %s
        """
            .formatted(mutations));
  }

  /** Runs {@code check} on every variant under every policy, naming both when it fails. */
  private static void forEveryCase(BiConsumer<String, Case> check) {
    for (Map.Entry<String, PolicyEngine> policy : POLICIES.entrySet()) {
      for (Variant variant : VARIANTS) {
        StatefulSet input = MutationHarness.statefulSet(tree(variant.set()));
        JsonNode before = tree(input);
        Mutated mutated =
            policy.getValue().mutate(MutationHarness.create(input), ClusterView.empty());
        check.accept(
            variant + " under policy '" + policy.getKey() + "'",
            new Case(policy.getValue(), input, before, mutated));
      }
    }
  }

  private record Case(PolicyEngine engine, StatefulSet input, JsonNode before, Mutated mutated) {
    JsonNode after() {
      return tree(mutated.object());
    }
  }

  @Test
  void generatesVariantsOfEveryKind() {
    assertThat(VARIANTS).hasSize(150);
    String all = VARIANTS.toString();
    for (String trait :
        List.of(
            "no affinity",
            "node affinity",
            "pod affinity to a cache",
            "required anti-affinity on its own pods",
            "rack label",
            "anti-affinity on other pods",
            "another namespace",
            "spread on topology.kubernetes.io/zone",
            "retention Delete/Retain",
            "retention absent",
            "pvc-retention explicit",
            "selector with expressions")) {
      assertThat(all).as("a variant with %s", trait).contains(trait);
    }
  }

  @Test
  void patchIsExactlyTheChangeAndLeavesTheInputAlone() {
    forEveryCase(
        (name, c) -> {
          assertThat(c.mutated().patch().applyTo(c.before())).as(name).isEqualTo(c.after());
          assertThat(tree(c.input())).as("%s: the admitted object", name).isEqualTo(c.before());
          assertThat(c.mutated().patch().operations())
              .as("%s: only add and replace", name)
              .allMatch(op -> List.of("add", "replace").contains(op.get("op").asText()));
        });
  }

  @Test
  void aSecondPassAddsNothing() {
    forEveryCase(
        (name, c) -> {
          StatefulSet stored = (StatefulSet) c.mutated().object();
          Mutated again = c.engine().mutate(MutationHarness.create(stored), ClusterView.empty());
          assertThat(again.patch().isEmpty())
              .as("%s: second patch %s", name, again.patch())
              .isTrue();
        });
  }

  @Test
  void keepsWhatIsNotTheMutationsToChange() {
    forEveryCase(
        (name, c) -> {
          JsonNode before = c.before().at("/spec/template/spec/affinity");
          JsonNode after = c.after().at("/spec/template/spec/affinity");
          assertThat(after.path("nodeAffinity"))
              .as("%s: node affinity", name)
              .isEqualTo(before.path("nodeAffinity"));
          assertThat(after.path("podAffinity"))
              .as("%s: pod affinity", name)
              .isEqualTo(before.path("podAffinity"));
          List<PodAffinityTerm> termsBefore = StatefulSetVariants.antiAffinityTerms(c.input());
          List<PodAffinityTerm> termsAfter =
              StatefulSetVariants.antiAffinityTerms((StatefulSet) c.mutated().object());
          assertThat(termsAfter)
              .as("%s: existing anti-affinity terms", name)
              .containsAll(termsBefore);
          assertThat(termsAfter.size() - termsBefore.size())
              .as("%s: terms added", name)
              .isBetween(0, 1);
          JsonNode spreadBefore = c.before().at("/spec/template/spec/topologySpreadConstraints");
          JsonNode spreadAfter = c.after().at("/spec/template/spec/topologySpreadConstraints");
          for (int i = 0; i < spreadBefore.size(); i++) {
            assertThat(spreadAfter.get(i))
                .as("%s: constraint %d", name, i)
                .isEqualTo(spreadBefore.get(i));
          }
          assertThat(c.after().at("/spec/selector")).isEqualTo(c.before().at("/spec/selector"));
          assertThat(c.after().at("/spec/template/metadata"))
              .isEqualTo(c.before().at("/spec/template/metadata"));
        });
  }

  @Test
  void neverOverwritesAChosenRetentionPolicy() {
    forEveryCase(
        (name, c) -> {
          JsonNode before = c.before().at("/spec/persistentVolumeClaimRetentionPolicy");
          boolean chosen =
              !before.isMissingNode()
                  && !(before.path("whenDeleted").asText().equals("Retain")
                      && before.path("whenScaled").asText().equals("Retain"));
          boolean explicit =
              c.before()
                  .at("/metadata/annotations/stateguard.io~1explicit")
                  .asText()
                  .contains("pvc-retention");
          if (chosen || explicit) {
            assertThat(c.after().at("/spec/persistentVolumeClaimRetentionPolicy"))
                .as("%s: a chosen retention policy", name)
                .isEqualTo(before);
            assertThat(c.mutated().applied()).as(name).doesNotContain("pvc-retention");
          }
        });
  }

  @Test
  void whenAntiAffinityIsAddedTheRuleIsSatisfied() {
    forEveryCase(
        (name, c) -> {
          if (c.mutated().applied().contains("anti-affinity")) {
            List<Finding> findings =
                c.engine()
                    .evaluate(
                        MutationHarness.create((StatefulSet) c.mutated().object()),
                        ClusterView.empty())
                    .findings();
            assertThat(findings)
                .as("%s: findings after mutation", name)
                .noneMatch(f -> f.rule().equals("anti-affinity"));
          }
        });
  }

  @Test
  void theAnnotationListsEveryMutationThatChangedTheSet() {
    forEveryCase(
        (name, c) -> {
          String recorded = c.after().at("/metadata/annotations/stateguard.io~1mutated").asText("");
          List<String> ids = List.of(recorded.split(","));
          assertThat(ids).as(name).containsAll(c.mutated().applied());
          if (c.before()
                  .at("/metadata/annotations/stateguard.io~1mutated")
                  .asText("")
                  .equals("legacy-thing")
              && c.mutated().changed()) {
            assertThat(ids).as("%s: kept what was there, last", name).endsWith("legacy-thing");
          }
          assertThat(c.mutated().applied())
              .as("%s: in catalogue order", name)
              .isSortedAccordingTo(
                  (a, b) ->
                      Integer.compare(
                          Mutations.all().stream().map(Mutation::id).toList().indexOf(a),
                          Mutations.all().stream().map(Mutation::id).toList().indexOf(b)));
        });
  }

  @Test
  void anUpdateWithoutOnUpdateChangesNothing() {
    for (Map.Entry<String, PolicyEngine> policy : POLICIES.entrySet()) {
      for (Variant variant : VARIANTS) {
        StatefulSet old = MutationHarness.statefulSet(tree(variant.set()));
        StatefulSet updated = MutationHarness.statefulSet(tree(variant.set()));
        updated.getSpec().setReplicas(updated.getSpec().getReplicas() + 1);
        Mutated mutated =
            policy.getValue().mutate(MutationHarness.update(old, updated), ClusterView.empty());
        assertThat(mutated.changed()).as("%s under '%s'", variant, policy.getKey()).isFalse();
      }
    }
  }
}
