package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the engine mutates, what it records, and what it leaves alone. */
class MutationEngineTest {

  /** Sets {@code spec.minReadySeconds} to its parameter unless it is set. */
  private static final Mutation MIN_READY =
      new Mutation() {
        private final MutationInfo info =
            new MutationInfo(
                "min-ready",
                "Sets minReadySeconds",
                "for tests",
                false,
                List.of(ParamSpec.integer("seconds", 10, "seconds")));

        @Override
        public MutationInfo info() {
          return info;
        }

        @Override
        public void apply(MutationContext ctx) {
          if (ctx.statefulSet().getSpec().getMinReadySeconds() == null) {
            ctx.statefulSet().getSpec().setMinReadySeconds(ctx.params().integer("seconds"));
          }
        }
      };

  /** Writes what is already there: changes nothing, though it "applies". */
  private static final Mutation REWRITE =
      new Mutation() {
        private final MutationInfo info =
            new MutationInfo("rewrite", "Rewrites replicas", "for tests", false, List.of());

        @Override
        public MutationInfo info() {
          return info;
        }

        @Override
        public void apply(MutationContext ctx) {
          ctx.statefulSet().getSpec().setReplicas(ctx.statefulSet().getSpec().getReplicas());
        }
      };

  private static Policy policy(Policy.Exemptions exemptions, String... on) {
    Map<String, Policy.MutationSetting> mutations = new java.util.LinkedHashMap<>();
    for (String id : on) {
      mutations.put(id, new Policy.MutationSetting(Optional.of(true), Map.of()));
    }
    return new Policy(
        "p",
        "test",
        0,
        Policy.Match.ALL,
        List.of(),
        Optional.empty(),
        Map.of(),
        mutations,
        exemptions);
  }

  private static PolicyEngine engine(Policy policy) {
    return new PolicyEngine(new PolicySet(List.of(policy)), List.of(), List.of(REWRITE, MIN_READY));
  }

  private static StatefulSet set() {
    return new StatefulSetBuilder()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withNewMetadata()
        .withName("zk")
        .withNamespace("data")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .endSpec()
        .build();
  }

  private static Admission admission(Operation op, StatefulSet set, UserInfo user) {
    return new Admission(
        "uid",
        op,
        "StatefulSet",
        "",
        "data",
        "zk",
        op == Operation.DELETE ? Optional.empty() : Optional.of(set),
        op == Operation.CREATE ? Optional.empty() : Optional.of(set),
        Optional.empty(),
        user,
        false);
  }

  @Test
  void listsOnlyTheMutationsThatChangedSomething() {
    // Given two mutations on, one of which writes back what is there
    PolicyEngine engine = engine(policy(Policy.Exemptions.NONE, "rewrite", "min-ready"));

    // When a set is created
    Mutated mutated =
        engine.mutate(admission(Operation.CREATE, set(), UserInfo.NONE), ClusterView.empty());

    // Then only the one that changed the object is recorded and patched
    assertThat(mutated.applied()).containsExactly("min-ready");
    assertThat(mutated.patch().toString())
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/metadata/annotations\","
                + "\"value\":{\"stateguard.io/mutated\":\"min-ready\"}},"
                + "{\"op\":\"add\",\"path\":\"/spec/minReadySeconds\",\"value\":10}]");
  }

  @Test
  void doesNotMutateAnExemptRequest() {
    // Given a policy that exempts alice
    Policy.Exemptions alice =
        new Policy.Exemptions(List.of("alice"), List.of(), List.of(), List.of(), "");
    PolicyEngine engine = engine(policy(alice, "min-ready"));

    // When alice and bob create a set
    UserInfo aliceUser = new UserInfo("alice", List.of());
    UserInfo bobUser = new UserInfo("bob", List.of());
    Mutated forAlice =
        engine.mutate(admission(Operation.CREATE, set(), aliceUser), ClusterView.empty());
    Mutated forBob =
        engine.mutate(admission(Operation.CREATE, set(), bobUser), ClusterView.empty());

    // Then only bob's is mutated
    assertThat(forAlice.changed()).isFalse();
    assertThat(forBob.changed()).isTrue();
  }

  @Test
  void breakGlassLiftsEnforcementButNotMutation() {
    // Given a set carrying a break-glass reason
    StatefulSet set = set();
    set.getMetadata().setAnnotations(Map.of("stateguard.io/break-glass", "INC-1: restore"));
    PolicyEngine engine = engine(policy(Policy.Exemptions.NONE, "min-ready"));

    // When it is created
    Mutated mutated =
        engine.mutate(admission(Operation.CREATE, set, UserInfo.NONE), ClusterView.empty());

    // Then it is still mutated, and its annotations are kept
    assertThat(mutated.applied()).containsExactly("min-ready");
    assertThat(mutated.object().getMetadata().getAnnotations())
        .containsEntry("stateguard.io/break-glass", "INC-1: restore")
        .containsEntry(Mutation.MUTATED_ANNOTATION, "min-ready");
  }

  @Test
  void neverMutatesDeletesOtherKindsOrSetsNoPolicyGoverns() {
    PolicyEngine engine = engine(policy(Policy.Exemptions.NONE, "min-ready"));
    PolicyEngine ungoverned =
        new PolicyEngine(new PolicySet(List.of()), List.of(), List.of(MIN_READY));
    var pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName("zk-pdb")
            .withNamespace("data")
            .endMetadata()
            .build();
    Admission pdbCreate =
        new Admission(
            "uid",
            Operation.CREATE,
            "PodDisruptionBudget",
            "",
            "data",
            "zk-pdb",
            Optional.of(pdb),
            Optional.empty(),
            Optional.empty(),
            UserInfo.NONE,
            false);

    assertThat(
            engine
                .mutate(admission(Operation.DELETE, set(), UserInfo.NONE), ClusterView.empty())
                .changed())
        .as("DELETE")
        .isFalse();
    assertThat(engine.mutate(pdbCreate, ClusterView.empty()).changed()).as("a PDB").isFalse();
    assertThat(
            ungoverned
                .mutate(admission(Operation.CREATE, set(), UserInfo.NONE), ClusterView.empty())
                .changed())
        .as("no policy matches")
        .isFalse();
  }

  @Test
  void neverMutatesAStatusUpdate() {
    // Given a policy that mutates on UPDATE
    Policy policy =
        new Policy(
            "p",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(),
            Map.of(
                "min-ready",
                new Policy.MutationSetting(Optional.of(true), Map.of("onUpdate", true))),
            Policy.Exemptions.NONE);
    PolicyEngine engine = engine(policy);
    StatefulSet set = set();
    Admission status =
        new Admission(
            "uid",
            Operation.UPDATE,
            "StatefulSet",
            "status",
            "data",
            "zk",
            Optional.of(set),
            Optional.of(set()),
            Optional.empty(),
            UserInfo.NONE,
            false);

    // When the status subresource is updated, and when the set itself is
    Mutated onStatus = engine.mutate(status, ClusterView.empty());
    Mutated onSet =
        engine.mutate(admission(Operation.UPDATE, set, UserInfo.NONE), ClusterView.empty());

    // Then only the update of the set is mutated
    assertThat(onStatus.changed()).isFalse();
    assertThat(onSet.applied()).containsExactly("min-ready");
  }

  @Test
  void anEngineWithoutMutationsOnlyValidates() {
    // Given the engine validation alone has always used
    PolicyEngine engine =
        new PolicyEngine(new PolicySet(List.of(policy(Policy.Exemptions.NONE))), List.of());

    // When a set is decided
    Decision decision =
        engine.decide(admission(Operation.CREATE, set(), UserInfo.NONE), ClusterView.empty());

    // Then nothing changes and the verdict carries no patch
    assertThat(engine.mutations()).isEmpty();
    assertThat(decision.verdict()).isEqualTo(Verdict.allow());
    assertThat(decision.object()).isSameAs(decision.mutation().object());
  }

  @Test
  void mutationsAreOffUntilAPolicyTurnsThemOn() {
    // Given a policy that names no mutation
    PolicyEngine engine = engine(policy(Policy.Exemptions.NONE));

    // When a set is created
    // Then nothing is mutated
    assertThat(
            engine
                .mutate(admission(Operation.CREATE, set(), UserInfo.NONE), ClusterView.empty())
                .changed())
        .isFalse();
  }

  @Test
  void refusesTwoMutationsWithOneId() {
    assertThatThrownBy(
            () ->
                new PolicyEngine(
                    new PolicySet(List.of()), List.of(), List.of(MIN_READY, MIN_READY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two mutations have one id");
  }

  @Test
  void aMutatedResultNeedsBothAPatchAndTheMutationsBehindIt() {
    Patch patch = Patch.diff(MutationTrees.json("{\"a\":1}"), MutationTrees.json("{\"a\":2}"));
    assertThatThrownBy(() -> new Mutated(set(), patch, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Mutated(set(), Patch.EMPTY, List.of("min-ready")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
