package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetListBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetListBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reading a snapshot from the mock API server in expectation mode, which answers exactly the
 * requests it is told to: pages, refusals.
 */
@EnableKubernetesMockClient
class ClusterSnapshotIT {

  KubernetesClient client;
  KubernetesMockServer server;

  private static StatefulSet set(String name) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("data")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .endSpec()
        .build();
  }

  private void emptyListsExceptStatefulSets(String query) {
    server
        .expect()
        .get()
        .withPath("/apis/policy/v1/namespaces/data/poddisruptionbudgets?" + query)
        .andReturn(200, new PodDisruptionBudgetListBuilder().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/data/services?" + query)
        .andReturn(200, new ServiceListBuilder().build())
        .always();
  }

  @Test
  void readsEveryPageOfAList() throws Exception {
    // Given an API server that gives StatefulSets two per page, in three pages
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/data/statefulsets?limit=2")
        .andReturn(
            200,
            new StatefulSetListBuilder()
                .withMetadata(new ListMetaBuilder().withContinue("page2").build())
                .withItems(set("a"), set("b"))
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/data/statefulsets?continue=page2&limit=2")
        .andReturn(
            200,
            new StatefulSetListBuilder()
                .withMetadata(new ListMetaBuilder().withContinue("page3").build())
                .withItems(set("c"), set("d"))
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/data/statefulsets?continue=page3&limit=2")
        .andReturn(200, new StatefulSetListBuilder().withItems(set("e")).build())
        .once();
    emptyListsExceptStatefulSets("limit=2");
    server
        .expect()
        .get()
        .withPath("/apis/storage.k8s.io/v1/storageclasses?limit=2")
        .andReturn(
            200,
            new StorageClassListBuilder()
                .withItems(
                    new StorageClassBuilder()
                        .withNewMetadata()
                        .withName("fast")
                        .endMetadata()
                        .build())
                .build())
        .once();

    // When the snapshot is read with pages of two
    ClusterSnapshot snapshot = ClusterSnapshot.read(client, Optional.of("data"), 2);

    // Then every page is in it, in order, without managed fields and with the API defaults
    assertThat(snapshot.statefulSets())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("a", "b", "c", "d", "e");
    assertThat(snapshot.statefulSets())
        .allSatisfy(s -> assertThat(s.getMetadata().getManagedFields()).isNullOrEmpty())
        .allSatisfy(
            s -> assertThat(s.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady"));
    assertThat(snapshot.storageClass("fast")).isPresent();
    assertThat(snapshot.storageClassesKnown()).isTrue();
    assertThat(snapshot.namespace()).contains("data");
  }

  @Test
  void goesOnWithoutStorageClassesWhenListingThemIsForbidden() throws Exception {
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/data/statefulsets?limit=500")
        .andReturn(200, new StatefulSetListBuilder().withItems(set("zk")).build())
        .once();
    emptyListsExceptStatefulSets("limit=500");
    server
        .expect()
        .get()
        .withPath("/apis/storage.k8s.io/v1/storageclasses?limit=500")
        .andReturn(403, forbidden("storageclasses.storage.k8s.io is forbidden"))
        .once();

    ClusterSnapshot snapshot = ClusterSnapshot.read(client, Optional.of("data"));

    assertThat(snapshot.storageClassesKnown()).isFalse();
    assertThat(snapshot.statefulSets()).hasSize(1);
  }

  @Test
  void aForbiddenListNamesTheServerTheResourceAndTheNamespace() {
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/data/statefulsets?limit=500")
        .andReturn(403, forbidden("statefulsets.apps is forbidden: User \"dev\" cannot list"))
        .once();

    assertThatThrownBy(() -> ClusterSnapshot.read(client, Optional.of("data")))
        .isInstanceOf(ClusterSnapshot.ReadException.class)
        .hasMessageContaining("cannot list statefulsets (apps/v1) in namespace data")
        .hasMessageContaining(client.getConfiguration().getMasterUrl())
        .hasMessageContaining("forbidden");
  }

  @Test
  void anotherRefusalCarriesTheApiServersOwnMessage() {
    // The client retries a server error with growing pauses; once is enough to show the message.
    client.getConfiguration().setRequestRetryBackoffLimit(1);
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/statefulsets?limit=500")
        .andReturn(
            500,
            new StatusBuilder().withCode(500).withMessage("etcdserver: request timed out").build())
        .always();

    assertThatThrownBy(() -> ClusterSnapshot.read(client, Optional.empty()))
        .isInstanceOf(ClusterSnapshot.ReadException.class)
        .hasMessageContaining("cannot list statefulsets (apps/v1) in all namespaces")
        .hasMessageContaining("HTTP 500: etcdserver: request timed out");
  }

  private static io.fabric8.kubernetes.api.model.Status forbidden(String message) {
    return new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(message).build();
  }
}
