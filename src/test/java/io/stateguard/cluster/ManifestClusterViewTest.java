package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestClusterViewTest {

  @Test
  void findsServicesByNamespaceAndName() {
    // Given
    ManifestClusterView view =
        ManifestClusterView.of(List.of(service("data", "zk-hs"), service("other", "pg-hs")));

    // Then
    assertThat(view.service("data", "zk-hs")).get().isEqualTo(service("data", "zk-hs"));
    assertThat(view.service("other", "zk-hs")).as("same name, other namespace").isEmpty();
    assertThat(view.service("data", "pg-hs")).isEmpty();
    assertThat(view.service("other", "pg-hs")).isPresent();
  }

  @Test
  void listsStatefulSetsAndBudgetsOfOneNamespaceInTheOrderGiven() {
    // Given
    ManifestClusterView view =
        ManifestClusterView.of(
            List.of(
                set("data", "zk", 3),
                pdb("data", "zk-pdb"),
                set("other", "pg", 2),
                set("data", "kafka", 3),
                pdb("other", "pg-pdb")));

    // Then
    assertThat(view.statefulSets("data"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("zk", "kafka");
    assertThat(view.statefulSets("other"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("pg");
    assertThat(view.podDisruptionBudgets("data"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("zk-pdb");
    assertThat(view.statefulSets("nowhere")).isEmpty();
    assertThat(view.podDisruptionBudgets("nowhere")).isEmpty();
  }

  @Test
  void findsStorageClassesByNameWhateverNamespaceTheManifestNames() {
    // Given: cluster-scoped; a stray namespace in the manifest means nothing
    ManifestClusterView view =
        ManifestClusterView.of(
            List.of(
                new StorageClassBuilder()
                    .withNewMetadata()
                    .withName("fast")
                    .withNamespace("data")
                    .endMetadata()
                    .withProvisioner("ebs.csi.aws.com")
                    .build()));

    // Then
    assertThat(view.storageClass("fast"))
        .get()
        .extracting("provisioner")
        .isEqualTo("ebs.csi.aws.com");
    assertThat(view.storageClass("slow")).isEmpty();
  }

  @Test
  void knowsTheClustersStorageClassesOnlyWhenTheManifestsIncludeOne() {
    // Given: a report of a set alone, and one that also carries the cluster's classes
    ManifestClusterView setsOnly = ManifestClusterView.of(List.of(set("data", "zk", 3)));
    ManifestClusterView withClasses =
        ManifestClusterView.of(
            List.of(set("data", "zk", 3), storageClass("standard"), storageClass("fast")));

    // Then
    assertThat(setsOnly.storageClassesKnown()).isFalse();
    assertThat(setsOnly.storageClasses()).isEmpty();
    assertThat(withClasses.storageClassesKnown()).isTrue();
    assertThat(withClasses.storageClasses())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("fast", "standard");
  }

  @Test
  void placesObjectsWithoutNamespaceInTheDefaultNamespaceAndSaysSo() {
    // Given
    StatefulSet bare = set(null, "zk", 3);

    // When
    ManifestClusterView view = ManifestClusterView.of(List.of(bare, service(null, "zk-hs")));

    // Then
    assertThat(view.statefulSets("default")).hasSize(1);
    assertThat(view.statefulSets("default").get(0).getMetadata().getNamespace())
        .as("the view's copy names its namespace, so messages and policies see it")
        .isEqualTo("default");
    assertThat(view.service("default", "zk-hs")).isPresent();
    assertThat(bare.getMetadata().getNamespace()).as("the caller's object is untouched").isNull();
  }

  @Test
  void placesObjectsWithoutNamespaceInTheNamespaceGiven() {
    // When
    ManifestClusterView view =
        ManifestClusterView.of(List.of(set(null, "zk", 3), pdb(null, "zk-pdb")), "team-a");

    // Then
    assertThat(view.statefulSets("team-a")).hasSize(1);
    assertThat(view.podDisruptionBudgets("team-a").get(0).getMetadata().getNamespace())
        .isEqualTo("team-a");
    assertThat(view.statefulSets("default")).isEmpty();
  }

  @Test
  void keepsTheLaterManifestOfTheSameObjectInThePlaceOfTheFirst() {
    // Given: zk appears twice, as when one file is applied after another
    ManifestClusterView view =
        ManifestClusterView.of(
            List.of(set("data", "zk", 3), set("data", "kafka", 3), set("data", "zk", 5)));

    // Then
    assertThat(view.statefulSets("data"))
        .extracting(s -> s.getMetadata().getName() + ":" + s.getSpec().getReplicas())
        .containsExactly("zk:5", "kafka:3");
  }

  @Test
  void ignoresKindsNoRuleAsksAboutAndObjectsWithoutName() {
    // Given
    List<HasMetadata> objects =
        List.of(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("data")
                .withName("cm")
                .endMetadata()
                .build(),
            new io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withNamespace("data")
                .withName("old-api")
                .endMetadata()
                .build(),
            set("data", null, 3),
            pdb("data", "zk-pdb"));

    // When
    ManifestClusterView view = ManifestClusterView.of(objects);

    // Then
    assertThat(view.statefulSets("data")).as("a set without a name").isEmpty();
    assertThat(view.podDisruptionBudgets("data"))
        .as("policy/v1beta1 budgets are gone from the API since 1.25")
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("zk-pdb");
  }

  @Test
  void doesNotChangeWhenTheCollectionItWasBuiltFromChanges() {
    // Given
    List<HasMetadata> objects = new ArrayList<>(List.of(set("data", "zk", 3)));
    ManifestClusterView view = ManifestClusterView.of(objects);

    // When
    objects.add(set("data", "kafka", 3));
    objects.add(service("data", "zk-hs"));

    // Then
    assertThat(view.statefulSets("data")).hasSize(1);
    assertThat(view.service("data", "zk-hs")).isEmpty();
    assertThatThrownBy(() -> view.statefulSets("data").add(set("data", "x", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> view.podDisruptionBudgets("data").add(pdb("data", "x")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesAnEmptyDefaultNamespace() {
    assertThatThrownBy(() -> ManifestClusterView.of(List.of(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default namespace");
  }

  private static io.fabric8.kubernetes.api.model.Service service(String namespace, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .endSpec()
        .build();
  }

  private static StatefulSet set(String namespace, String name, int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  private static PodDisruptionBudget pdb(String namespace, String name) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .endSpec()
        .build();
  }

  private static StorageClass storageClass(String name) {
    return new StorageClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withProvisioner("ebs.csi.aws.com")
        .build();
  }
}
