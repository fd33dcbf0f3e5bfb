package io.stateguard.policy.mutations;

import static io.stateguard.policy.mutations.MutationHarness.readYaml;
import static io.stateguard.policy.mutations.MutationHarness.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Decision;
import io.stateguard.policy.Defaults;
import io.stateguard.policy.Finding;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server's order: mutating webhooks first, validation of what they made. A set that lacks
 * only what a mutation adds is admitted once mutated, though validation alone denies it.
 */
class MutateThenValidateTest {

  private static final Path DIR = Path.of("src/test/resources/MutateThenValidateTest");

  private PolicyEngine engine;
  private StatefulSet set;
  private ClusterView cluster;

  @BeforeEach
  void readTheFixtures() throws Exception {
    engine = MutationHarness.engine(DIR.resolve("policy.yaml"));
    set = Defaults.apply(statefulSet(readYaml(DIR.resolve("set.yaml"))));
    Service service =
        MutationHarness.JSON.treeToValue(readYaml(DIR.resolve("cluster.yaml")), Service.class);
    cluster = new OneService(Defaults.apply(service));
  }

  @Test
  void validationAloneDeniesTheSetForAntiAffinityOnly() {
    // When the set is validated as written
    Verdict verdict = engine.evaluate(MutationHarness.create(set), cluster);

    // Then anti-affinity, and nothing else, denies it
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings()).extracting(Finding::rule).containsExactly("anti-affinity");
  }

  @Test
  void mutatedSetPassesValidation() {
    // When the set is decided as the API server decides it
    Decision decision = engine.decide(MutationHarness.create(set), cluster);

    // Then the mutation added anti-affinity and the mutated set passes every rule
    assertThat(decision.mutation().applied()).containsExactly("anti-affinity");
    assertThat(decision.verdict().allowed()).isTrue();
    assertThat(decision.verdict().findings()).isEmpty();
    assertThat(decision.verdict().patch()).isEqualTo(decision.mutation().patch());
    assertThat(decision.verdict().patch().isEmpty()).isFalse();
  }

  @Test
  void validatingTheMutatedObjectAgainGivesTheSameVerdict() {
    // Given the object the API server would store
    Decision first = engine.decide(MutationHarness.create(set), cluster);
    StatefulSet stored = (StatefulSet) first.object();

    // When the webhook's validating call sees it (after the mutating call)
    Verdict validated = engine.evaluate(MutationHarness.create(stored), cluster);

    // Then it is admitted, with nothing left to mutate
    assertThat(validated.allowed()).isTrue();
    assertThat(engine.mutate(MutationHarness.create(stored), cluster).changed()).isFalse();
  }

  @Test
  void anUpdateWithoutOnUpdateIsValidatedUnmutated() {
    // Given an existing set that lacks anti-affinity, updated (replicas 3 to 5)
    StatefulSet updated = statefulSet(MutationHarness.tree(set));
    updated.getSpec().setReplicas(5);
    Admission update = MutationHarness.update(set, updated);

    // When it is decided
    Decision decision = engine.decide(update, cluster);

    // Then nothing is added (that would restart every pod) and validation denies it as it is
    assertThat(decision.mutation().changed()).isFalse();
    assertThat(decision.verdict().allowed()).isFalse();
  }

  /** A cluster holding one Service. */
  private record OneService(Service service) implements ClusterView {
    @Override
    public Optional<Service> service(String namespace, String name) {
      return service.getMetadata().getNamespace().equals(namespace)
              && service.getMetadata().getName().equals(name)
          ? Optional.of(service)
          : Optional.empty();
    }

    @Override
    public List<StatefulSet> statefulSets(String namespace) {
      return List.of();
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
      return List.of();
    }

    @Override
    public Optional<StorageClass> storageClass(String name) {
      return Optional.empty();
    }
  }
}
