package io.stateguard.cluster;

import static io.stateguard.cluster.ClusterObjects.pod;
import static io.stateguard.cluster.ClusterObjects.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import org.junit.jupiter.api.Test;

/** The pod cache's packed form: it reads back as the slim pod, and shares what repeats. */
class PackedPodTest {

  private static final String NS = "data";

  @Test
  void readsBackWhatTheSlimPodKeeps() {
    // Given a member as listed, being deleted, with one of stateguard's annotations
    Pod full =
        new PodBuilder(pod(statefulSet(NS, "zk", 3), 1, true))
            .editMetadata()
            .withUid("uid-zk-1")
            .withResourceVersion("812")
            .withDeletionTimestamp("2026-11-21T10:00:00Z")
            .addToAnnotations("stateguard.io/reason", "drain")
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
            .endMetadata()
            .editStatus()
            .addNewCondition()
            .withType("DisruptionTarget")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();

    Pod read = PackedPod.of(full).toPod();

    assertThat(read.getMetadata().getName()).isEqualTo("zk-1");
    assertThat(read.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(read.getMetadata().getUid()).as("not kept: nothing reads it").isNull();
    assertThat(read.getMetadata().getResourceVersion()).isEqualTo("812");
    assertThat(read.getMetadata().getDeletionTimestamp()).isEqualTo("2026-11-21T10:00:00Z");
    assertThat(read.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
    assertThat(read.getMetadata().getAnnotations()).containsOnlyKeys("stateguard.io/reason");
    assertThat(Slim.owningStatefulSet(read)).isEqualTo("zk");
    assertThat(read.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo("uid-" + NS + "-zk"));
    assertThat(read.getSpec()).isNull();
    assertThat(read.getStatus().getPhase()).isEqualTo("Running");
    assertThat(read.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("Ready=True", "DisruptionTarget=True");
    assertThat(PackedPod.of(read).toPod())
        .as("packing what was read back changes nothing")
        .isEqualTo(read);
  }

  @Test
  void aPodWithoutStatusOrMetadataReadsBackWithout() {
    Pod bare = new Pod();
    bare.setMetadata(new ObjectMetaBuilder().withName("x").withNamespace(NS).build());

    Pod read = PackedPod.of(bare).toPod();

    assertThat(read.getSpec()).isNull();
    assertThat(read.getStatus()).isNull();
    assertThat(read.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(read.getMetadata().getLabels()).isEmpty();
    assertThat(PackedPod.of(new Pod()).toPod().getMetadata().getName()).isNull();
  }

  @Test
  void keepsAnyResourceVersionAndReadsItBackAsItWas() {
    // The API server's are decimal numbers, kept as a number; by contract they are opaque strings
    for (String version : new String[] {"0", "7", "812", "999999999999999999", "0812", "abc", ""}) {
      Pod full =
          new PodBuilder(pod(statefulSet(NS, "zk", 3), 0, true))
              .editMetadata()
              .withResourceVersion(version)
              .endMetadata()
              .build();

      assertThat(PackedPod.of(full).toPod().getMetadata().getResourceVersion()).isEqualTo(version);
    }
    assertThat(PackedPod.of(new Pod()).toPod().getMetadata().getResourceVersion()).isNull();
    assertThat(PackedPod.number("1234567890123456789"))
        .as("too long for the number form")
        .isEqualTo(-1);
  }

  @Test
  void aConditionWithoutStatusStaysWithoutStatus() {
    Pod full =
        new PodBuilder(pod(statefulSet(NS, "zk", 3), 0, true))
            .editStatus()
            .withConditions()
            .addNewCondition()
            .withType("Ready")
            .endCondition()
            .endStatus()
            .build();

    assertThat(PackedPod.of(full).toPod().getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isNull();
            });
  }

  @Test
  void membersOfASetShareTheirOwnerAndNamespaceAndEachNameIsKeptOnce() {
    StatefulSet zk = statefulSet(NS, "zk", 3);
    Pod a = PackedPod.of(pod(zk, 0, true)).toPod();
    Pod b = PackedPod.of(pod(zk, 1, true)).toPod();

    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getOwnerReferences().get(0).getUid())
        .as("one copy of the owner's uid for all its pods")
        .isSameAs(b.getMetadata().getOwnerReferences().get(0).getUid());
    assertThat(a.getMetadata().getLabels().get(Slim.POD_NAME_LABEL))
        .as("the pod-name label is the name itself, not a second copy")
        .isSameAs(a.getMetadata().getName());
  }

  @Test
  void theStoreReadsBackWhatItPackedAndTheObjectItReplaced() {
    ItemStore<Pod> store = SlimStore.pods();
    StatefulSet zk = statefulSet(NS, "zk", 3);
    Pod first = pod(zk, 0, true);
    String key = store.getKey(first);

    assertThat(store.put(key, first)).isNull();
    Pod second =
        new PodBuilder(first).editMetadata().withResourceVersion("2").endMetadata().build();
    Pod replaced = store.put(key, second);

    assertThat(key).isEqualTo(NS + "/zk-0");
    assertThat(replaced).isEqualTo(Slim.pod(first));
    assertThat(store.get(key)).isEqualTo(Slim.pod(second));
    assertThat(store.values()).containsExactly(Slim.pod(second));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove(key)).isEqualTo(Slim.pod(second));
    assertThat(store.get(key)).isNull();
  }
}
