package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A snapshot of objects as the API server stores them, and the view it gives rules. */
class ClusterSnapshotTest {

  private static final Path DIR = Path.of("src/test/resources/ClusterSnapshotTest");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The object a real API server stored, from one of its admission reviews. */
  private static JsonNode stored(String fixture) throws IOException {
    return JSON.readTree(DIR.resolve(fixture).toFile()).at("/request/object");
  }

  @Test
  void leavesWhatTheApiServerStoredAsItWasApartFromManagedFields() throws IOException {
    // Given a StatefulSet and a PDB exactly as a 1.28 API server stored them (defaults included)
    JsonNode set = stored("statefulset-create.json");
    JsonNode pdb = stored("pdb-create.json");
    assertThat(set.at("/metadata/managedFields").isMissingNode()).isFalse();

    // When they form a snapshot (which applies the defaults again)
    ClusterSnapshot snapshot =
        ClusterSnapshot.of(
            "https://api.example:6443",
            Optional.empty(),
            List.of(JSON.treeToValue(set, StatefulSet.class)),
            List.of(JSON.treeToValue(pdb, PodDisruptionBudget.class)),
            List.of(),
            List.of(),
            true);

    // Then nothing changed but the managed fields, which are dropped (compared as the model reads
    // the stored object, which drops its null creationTimestamps)
    assertThat((JsonNode) JSON.valueToTree(snapshot.statefulSets().get(0)))
        .isEqualTo(
            withoutManagedFields(JSON.valueToTree(JSON.treeToValue(set, StatefulSet.class))));
    assertThat((JsonNode) JSON.valueToTree(snapshot.podDisruptionBudgets().get(0)))
        .isEqualTo(
            withoutManagedFields(
                JSON.valueToTree(JSON.treeToValue(pdb, PodDisruptionBudget.class))));
  }

  @Test
  void answersTheRulesQuestionsFromItsObjects() throws IOException {
    StatefulSet set = JSON.treeToValue(stored("statefulset-create.json"), StatefulSet.class);
    String ns = set.getMetadata().getNamespace();

    ClusterSnapshot snapshot =
        ClusterSnapshot.of(
            "https://api.example:6443",
            Optional.of(ns),
            List.of(set),
            List.of(),
            List.of(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("web-hs")
                    .withNamespace(ns)
                    .endMetadata()
                    .build()),
            List.of(
                new StorageClassBuilder().withNewMetadata().withName("fast").endMetadata().build()),
            true);

    assertThat(snapshot.statefulSets(ns))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly(set.getMetadata().getName());
    assertThat(snapshot.statefulSets("elsewhere")).isEmpty();
    assertThat(snapshot.service(ns, "web-hs")).isPresent();
    assertThat(snapshot.storageClass("fast")).isPresent();
    assertThat(snapshot.storageClass("slow")).isEmpty();
    assertThat(snapshot.storageClassesKnown()).isTrue();
    assertThat(snapshot.evaluated()).containsExactly(snapshot.statefulSets().get(0));
  }

  private static JsonNode withoutManagedFields(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.get("metadata")).remove("managedFields");
    return copy;
  }
}
