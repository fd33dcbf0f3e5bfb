package io.stateguard.cluster;

import static io.stateguard.cluster.ClusterObjects.headlessService;
import static io.stateguard.cluster.ClusterObjects.pdb;
import static io.stateguard.cluster.ClusterObjects.pod;
import static io.stateguard.cluster.ClusterObjects.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;

/** What the informer caches keep of each object, and that the copies cannot be changed. */
class SlimTest {

  private static final String NS = "data";

  @Test
  void aStatefulSetKeepsWhatTheRulesReadAndDropsTheRest() {
    // Given a set as listed: managedFields, kubectl and helm annotations, a full pod template
    StatefulSet full =
        new StatefulSetBuilder(statefulSet(NS, "zk", 3))
            .editMetadata()
            .withUid("uid-zk")
            .withResourceVersion("4711")
            .withGeneration(7L)
            .addToAnnotations("stateguard.io/break-glass", "INC-42 restore")
            .endMetadata()
            .build();

    // When it is slimmed
    StatefulSet slim = Slim.statefulSet(full);

    // Then identity, labels, own annotations and the fields the rules read are kept
    assertThat(slim.getMetadata().getName()).isEqualTo("zk");
    assertThat(slim.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(slim.getMetadata().getUid()).isEqualTo("uid-zk");
    assertThat(slim.getMetadata().getResourceVersion())
        .as("the informer compares versions on the stored copy")
        .isEqualTo("4711");
    assertThat(slim.getMetadata().getGeneration()).isEqualTo(7L);
    assertThat(slim.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
    assertThat(slim.getMetadata().getAnnotations())
        .containsExactly(java.util.Map.entry("stateguard.io/break-glass", "INC-42 restore"));
    assertThat(slim.getSpec().getReplicas()).isEqualTo(3);
    assertThat(slim.getSpec().getServiceName()).isEqualTo("zk-hs");
    assertThat(slim.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
    assertThat(slim.getSpec().getSelector().getMatchLabels())
        .containsEntry(ClusterObjects.APP, "zk");
    assertThat(slim.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(ClusterObjects.APP, "zk");
    assertThat(slim.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("zookeeper");
              assertThat(c.getImage()).isEqualTo("registry.example/zookeeper:3.9.2");
              assertThat(c.getCommand()).isEmpty();
              assertThat(c.getEnv()).isEmpty();
              assertThat(c.getPorts()).isEmpty();
              assertThat(c.getResources()).isNull();
              assertThat(c.getReadinessProbe()).isNull();
              assertThat(c.getVolumeMounts()).isEmpty();
            });
    assertThat(slim.getStatus().getReplicas()).isEqualTo(3);
    assertThat(slim.getStatus().getReadyReplicas()).isEqualTo(3);

    // And what no rule reads is gone
    assertThat(slim.getMetadata().getManagedFields()).isEmpty();
    assertThat(slim.getSpec().getTemplate().getMetadata().getAnnotations()).isEmpty();
    assertThat(slim.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isNull();
    // Claim templates keep their name and class only (scale-down and storage-class on kubectl
    // scale)
    assertThat(slim.getSpec().getVolumeClaimTemplates())
        .allSatisfy(
            t -> {
              assertThat(t.getMetadata().getName()).isNotBlank();
              assertThat(t.getSpec().getResources()).isNull();
              assertThat(t.getSpec().getAccessModes()).isEmpty();
            });
    assertThat(slim.getStatus().getCurrentRevision()).isNull();
    // And the input is left as it was
    assertThat(full.getMetadata().getManagedFields()).hasSize(1);
    assertThat(full.getMetadata().getAnnotations())
        .containsKey("kubectl.kubernetes.io/last-applied-configuration");
  }

  @Test
  void aPodKeepsItsControllerPhaseAndTheConditionsThatMatter() {
    StatefulSet zk = statefulSet(NS, "zk", 3);
    Pod full =
        new PodBuilder(pod(zk, 2, true))
            .editMetadata()
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("ConfigMap")
                    .withName("not-a-controller")
                    .build())
            .endMetadata()
            .editStatus()
            .addNewCondition()
            .withType("DisruptionTarget")
            .withStatus("True")
            .withReason("EvictionByEvictionAPI")
            .endCondition()
            .endStatus()
            .build();

    Pod slim = Slim.pod(full);

    assertThat(slim.getMetadata().getLabels())
        .as("every label, the pod's own name too")
        .containsEntry(Slim.POD_NAME_LABEL, "zk-2")
        .containsEntry("apps.kubernetes.io/pod-index", "2");
    assertThat(slim.getMetadata().getAnnotations()).isEmpty();
    assertThat(slim.getMetadata().getManagedFields()).isEmpty();
    assertThat(slim.getMetadata().getOwnerReferences())
        .as("only the controller")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKind()).isEqualTo("StatefulSet");
              assertThat(r.getName()).isEqualTo("zk");
              assertThat(r.getController()).isTrue();
            });
    assertThat(Slim.owningStatefulSet(slim)).isEqualTo("zk");
    assertThat(slim.getSpec()).as("nothing reads a pod's spec from the cache").isNull();
    assertThat(slim.getStatus().getPhase()).isEqualTo("Running");
    assertThat(slim.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("Ready=True", "DisruptionTarget=True");
    assertThat(slim.getStatus().getConditions())
        .allSatisfy(
            c -> {
              assertThat(c.getReason()).isNull();
              assertThat(c.getLastTransitionTime()).isNull();
            });
    assertThat(slim.getStatus().getContainerStatuses()).isEmpty();
    assertThat(slim.getStatus().getPodIP()).isNull();
  }

  @Test
  void aPodWithoutAStatefulSetControllerBelongsToNoSet() {
    Pod orphan =
        new PodBuilder(pod(statefulSet(NS, "zk", 3), 0, true))
            .editMetadata()
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("StatefulSet")
                    .withName("zk")
                    .withController(false)
                    .build())
            .endMetadata()
            .build();

    assertThat(Slim.owningStatefulSet(Slim.pod(orphan))).isNull();
    assertThat(Slim.pod(new Pod()).getMetadata().getName()).isNull();
  }

  @Test
  void aBudgetKeepsItsWholeSpecAndTheCountsOfItsStatus() {
    PodDisruptionBudget full =
        new PodDisruptionBudgetBuilder(pdb(NS, "zk-pdb", "zk", 2))
            .editSpec()
            .withUnhealthyPodEvictionPolicy("AlwaysAllow")
            .editSelector()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("Bogus")
            .endMatchExpression()
            .endSelector()
            .endSpec()
            .withNewStatus()
            .withCurrentHealthy(3)
            .withDesiredHealthy(2)
            .withDisruptionsAllowed(1)
            .withExpectedPods(3)
            .addToConditions(
                new ConditionBuilder().withType("DisruptionAllowed").withStatus("True").build())
            .endStatus()
            .build();

    PodDisruptionBudget slim = Slim.podDisruptionBudget(full);

    assertThat(slim.getSpec().getMinAvailable()).isEqualTo(new IntOrString(2));
    assertThat(slim.getSpec().getMaxUnavailable()).isNull();
    assertThat(slim.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
    assertThat(slim.getSpec().getSelector().getMatchLabels())
        .containsEntry(ClusterObjects.APP, "zk");
    assertThat(slim.getSpec().getSelector().getMatchExpressions())
        .as("a malformed expression is kept for the rules to judge")
        .singleElement()
        .satisfies(e -> assertThat(e.getOperator()).isEqualTo("Bogus"));
    assertThat(slim.getStatus().getDisruptionsAllowed()).isEqualTo(1);
    assertThat(slim.getStatus().getExpectedPods()).isEqualTo(3);
    assertThat(slim.getStatus().getConditions()).isEmpty();
    assertThat(slim.getMetadata().getAnnotations()).isEmpty();
    assertThat(slim.getMetadata().getManagedFields()).isEmpty();
  }

  @Test
  void aServiceKeepsWhetherItIsHeadlessAndWhatItSelects() {
    Service slim = Slim.service(headlessService(NS, "zk-hs", "zk"));

    assertThat(slim.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(slim.getSpec().getSelector()).containsEntry(ClusterObjects.APP, "zk");
    assertThat(slim.getSpec().getPorts()).isEmpty();
    assertThat(slim.getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void aStorageClassKeepsTheDefaultMarksItsCreationAndExpansion() {
    StorageClass full =
        new StorageClassBuilder()
            .withNewMetadata()
            .withName("fast")
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .addToAnnotations(Slim.BETA_DEFAULT, "true")
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
            .endMetadata()
            .withProvisioner("ebs.csi.aws.com")
            .withAllowVolumeExpansion(false)
            .withReclaimPolicy("Retain")
            .withVolumeBindingMode("WaitForFirstConsumer")
            .addToParameters("type", "gp3")
            .build();

    StorageClass slim = Slim.storageClass(full);

    assertThat(slim.getMetadata().getAnnotations()).containsOnlyKeys(Slim.BETA_DEFAULT);
    assertThat(slim.getMetadata().getCreationTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(slim.getProvisioner()).isEqualTo("ebs.csi.aws.com");
    assertThat(slim.getAllowVolumeExpansion()).isFalse();
    assertThat(slim.getReclaimPolicy()).isEqualTo("Retain");
    assertThat(slim.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
    assertThat(slim.getParameters()).isEmpty();
  }

  @Test
  void theKeptCollectionsCannotBeChanged() {
    // The cached copies are shared by every request thread: a rule must not be able to alter them
    StatefulSet set = Slim.statefulSet(statefulSet(NS, "zk", 3));
    Pod member = Slim.pod(pod(statefulSet(NS, "zk", 3), 0, true));
    PodDisruptionBudget budget = Slim.podDisruptionBudget(pdb(NS, "zk-pdb", "zk", 2));

    assertThatThrownBy(() -> set.getMetadata().getLabels().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.getSpec().getSelector().getMatchLabels().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.getSpec().getTemplate().getSpec().getContainers().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> member.getMetadata().getOwnerReferences().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> member.getStatus().getConditions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> budget.getSpec().getSelector().getMatchExpressions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> budget.getMetadata().getAnnotations().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void repeatedStringsAreSharedAndPodNamesAreNot() {
    // 50,000 pods share a handful of namespaces, label keys and images: one copy each
    StatefulSet zk = statefulSet(NS, "zk", 3);
    Pod a = Slim.pod(pod(zk, 0, true));
    Pod b = Slim.pod(pod(zk, 1, true));

    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getLabels().get(ClusterObjects.APP))
        .isSameAs(b.getMetadata().getLabels().get(ClusterObjects.APP));
    assertThat(a.getMetadata().getLabels().get(Slim.POD_NAME_LABEL))
        .as("a pod's own name is unique: interning it would only grow the string table")
        .isNotSameAs("zk-0".intern());
  }
}
