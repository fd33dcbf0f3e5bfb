package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

/**
 * What the slim StatefulSet copy keeps of the volumes: enough for a change of replicas judged
 * against it (the scale subresource) to say what happens to the members' claims, and no more.
 */
class SlimStatefulSetTest {

  @Test
  void keepsTheRetentionPolicyAndEachClaimTemplatesNameAndClassOnly() {
    // Given a set as the API server lists it, deleting its claims on scale-down, with a second
    // template naming its class by the beta annotation
    StatefulSet listed =
        new StatefulSetBuilder(ClusterObjects.statefulSet("data", "zk", 5))
            .editSpec()
            .withNewPersistentVolumeClaimRetentionPolicy()
            .withWhenDeleted("Retain")
            .withWhenScaled("Delete")
            .endPersistentVolumeClaimRetentionPolicy()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("logs")
            .addToAnnotations(Slim.BETA_CLASS, "slow")
            .addToAnnotations("example.com/owner", "team-data")
            .addToLabels("tier", "logs")
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .endSpec()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();

    // When
    StatefulSet slim = Slim.statefulSet(listed);

    // Then the retention policy is kept whole
    assertThat(slim.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Delete");
    assertThat(slim.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    // And of each claim template only its name and StorageClass
    assertThat(slim.getSpec().getVolumeClaimTemplates()).hasSize(2);
    PersistentVolumeClaim data = slim.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(data.getMetadata().getName()).isEqualTo("data");
    assertThat(data.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(data.getSpec().getAccessModes()).isEmpty();
    assertThat(data.getSpec().getResources()).isNull();
    PersistentVolumeClaim logs = slim.getSpec().getVolumeClaimTemplates().get(1);
    assertThat(logs.getMetadata().getAnnotations()).containsOnlyKeys(Slim.BETA_CLASS);
    assertThat(logs.getMetadata().getLabels()).isEmpty();
  }

  @Test
  void aSetWithoutRetentionPolicyOrTemplatesStaysWithout() {
    // Given
    StatefulSet listed =
        new StatefulSetBuilder(ClusterObjects.statefulSet("data", "cache", 2))
            .editSpec()
            .withVolumeClaimTemplates()
            .endSpec()
            .build();

    // When
    StatefulSet slim = Slim.statefulSet(listed);

    // Then
    assertThat(slim.getSpec().getPersistentVolumeClaimRetentionPolicy()).isNull();
    assertThat(slim.getSpec().getVolumeClaimTemplates()).isEmpty();
  }
}
