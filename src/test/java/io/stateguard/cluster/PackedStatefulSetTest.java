package io.stateguard.cluster;

import static io.stateguard.cluster.ClusterObjects.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import org.junit.jupiter.api.Test;

/** The StatefulSet cache's packed form: it reads back as the slim set, each read a new copy. */
class PackedStatefulSetTest {

  private static final String NS = "data";

  /** A set with everything the slim copy keeps set, and some of what it drops. */
  private static StatefulSet full() {
    return new StatefulSetBuilder(statefulSet(NS, "kafka", 3))
        .editMetadata()
        .withUid("uid-kafka")
        .withResourceVersion("4711")
        .withGeneration(4L)
        .addToAnnotations("stateguard.io/break-glass", "INC-7")
        .addToOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("kafka.strimzi.io/v1beta2")
                .withKind("KafkaNodePool")
                .withName("brokers")
                .withUid("uid-pool")
                .withController(true)
                .build())
        .endMetadata()
        .editSpec()
        .editSelector()
        .addNewMatchExpression()
        .withKey("tier")
        .withOperator("In")
        .withValues("broker", "controller")
        .endMatchExpression()
        .addNewMatchExpression()
        .withKey("odd")
        .withOperator("Sideways")
        .endMatchExpression()
        .endSelector()
        .editTemplate()
        .editSpec()
        .addNewInitContainer()
        .withName("init")
        .withImage("registry.example/init:1")
        .endInitContainer()
        .endSpec()
        .endTemplate()
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted("Retain")
        .withWhenScaled("Delete")
        .endPersistentVolumeClaimRetentionPolicy()
        .endSpec()
        .withNewStatus()
        .withReplicas(3)
        .withReadyReplicas(2)
        .withAvailableReplicas(2)
        .withCurrentReplicas(3)
        .withUpdatedReplicas(1)
        .withObservedGeneration(4L)
        .addNewCondition()
        .withType("Something")
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void readsBackEverythingTheRulesRead() {
    StatefulSet read = PackedStatefulSet.of(full()).toStatefulSet();

    assertThat(read.getMetadata().getName()).isEqualTo("kafka");
    assertThat(read.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(read.getMetadata().getUid()).isEqualTo("uid-kafka");
    assertThat(read.getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(read.getMetadata().getGeneration()).isEqualTo(4L);
    assertThat(read.getMetadata().getAnnotations()).containsOnlyKeys("stateguard.io/break-glass");
    assertThat(read.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("KafkaNodePool");
              assertThat(r.getName()).isEqualTo("brokers");
              assertThat(r.getUid()).isEqualTo("uid-pool");
            });
    assertThat(read.getSpec().getReplicas()).isEqualTo(3);
    assertThat(read.getSpec().getServiceName()).isEqualTo("kafka-hs");
    assertThat(read.getSpec().getSelector().getMatchLabels())
        .containsEntry(ClusterObjects.APP, "kafka");
    assertThat(read.getSpec().getSelector().getMatchExpressions())
        .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
        .as("a malformed expression is kept as sent: matching treats it as selecting nothing")
        .containsExactly("tier In [broker, controller]", "odd Sideways []");
    assertThat(read.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName() + "=" + c.getImage())
        .containsExactly("zookeeper=registry.example/zookeeper:3.9.2");
    assertThat(read.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(c -> c.getName() + "=" + c.getImage())
        .containsExactly("init=registry.example/init:1");
    assertThat(read.getSpec().getTemplate().getMetadata().getAnnotations()).isEmpty();
    assertThat(read.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Delete");
    assertThat(read.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(read.getStatus().getUpdatedReplicas()).isEqualTo(1);
    assertThat(read.getStatus().getObservedGeneration()).isEqualTo(4L);
    assertThat(read.getStatus().getConditions()).isEmpty();
    assertThat(PackedStatefulSet.of(read).toStatefulSet())
        .as("packing what was read back changes nothing")
        .isEqualTo(read);
  }

  @Test
  void aSetWithoutSpecOrStatusReadsBackWithout() {
    StatefulSet bare = new StatefulSet();

    StatefulSet read = PackedStatefulSet.of(bare).toStatefulSet();

    assertThat(read.getSpec()).isNull();
    assertThat(read.getStatus()).isNull();
    assertThat(read.getMetadata().getName()).isNull();
    assertThat(read.getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void eachReadIsANewCopySoARuleCannotChangeTheCache() {
    ItemStore<StatefulSet> store = SlimStore.statefulSets();
    StatefulSet set = full();
    String key = store.getKey(set);
    store.put(key, set);

    // When a reader changes what it was given
    store.get(key).getSpec().setReplicas(0);
    store.get(key).getMetadata().setNamespace("elsewhere");

    // Then the cache still holds the set as listed
    assertThat(store.get(key).getSpec().getReplicas()).isEqualTo(3);
    assertThat(store.get(key).getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(store.get(key)).isEqualTo(Slim.statefulSet(set)).isNotSameAs(store.get(key));
  }

  @Test
  void setsShareWhatRepeats() {
    StatefulSet a = PackedStatefulSet.of(statefulSet(NS, "a", 3)).toStatefulSet();
    StatefulSet b = PackedStatefulSet.of(statefulSet(NS, "b", 3)).toStatefulSet();

    assertThat(a.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isSameAs(b.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertThat(a.getMetadata().getLabels().get("app.kubernetes.io/part-of"))
        .isSameAs(b.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
  }
}
