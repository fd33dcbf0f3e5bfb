package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Objects as a cluster holds them: with the {@code managedFields} and the last-applied annotation
 * that kubectl and the controllers leave, a full pod spec and container statuses, so that what the
 * caches strip is really there to strip. Shared by the tests and the memory benchmark.
 */
public final class ClusterObjects {

  /** The label every set's pods carry, and its selector. */
  public static final String APP = "app.kubernetes.io/name";

  private ClusterObjects() {}

  public static StatefulSet statefulSet(String ns, String name, int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .addToLabels(APP, name)
        .addToLabels("app.kubernetes.io/part-of", "data")
        .addToLabels("stateguard.io/class", "quorum")
        .withAnnotations(lastApplied("StatefulSet", ns, name))
        .withManagedFields(managedFields("kubectl-client-side-apply"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name + "-hs")
        .withPodManagementPolicy("OrderedReady")
        .withNewSelector()
        .addToMatchLabels(APP, name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels(APP, name)
        .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("zookeeper")
        .withImage("registry.example/zookeeper:3.9.2")
        .withCommand("/bin/sh", "-c", "exec zkServer.sh start-foreground")
        .addNewEnv()
        .withName("ZOO_SERVERS")
        .withValue("server.1=" + name + "-0:2888:3888;2181 server.2=" + name + "-1:2888:3888;2181")
        .endEnv()
        .addNewPort()
        .withName("client")
        .withContainerPort(2181)
        .endPort()
        .withNewResources()
        .addToRequests("cpu", new Quantity("500m"))
        .addToRequests("memory", new Quantity("1Gi"))
        .endResources()
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("zkOk.sh")
        .endExec()
        .withPeriodSeconds(10)
        .endReadinessProbe()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .withTerminationGracePeriodSeconds(120L)
        .endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata()
        .withName("data")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName("fast")
        .withNewResources()
        .addToRequests("storage", new Quantity("10Gi"))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .withNewStatus()
        .withReplicas(replicas)
        .withReadyReplicas(replicas)
        .withCurrentRevision(name + "-5d8f7c9b6")
        .withUpdateRevision(name + "-5d8f7c9b6")
        .endStatus()
        .build();
  }

  /** A headless Service selecting the set's pods. */
  public static Service headlessService(String ns, String name, String app) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .addToLabels(APP, app)
        .withAnnotations(lastApplied("Service", ns, name))
        .withManagedFields(managedFields("kubectl-client-side-apply"))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .addToSelector(APP, app)
        .addNewPort()
        .withName("peer")
        .withPort(2888)
        .endPort()
        .endSpec()
        .build();
  }

  public static PodDisruptionBudget pdb(String ns, String name, String app, int minAvailable) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withAnnotations(lastApplied("PodDisruptionBudget", ns, name))
        .withManagedFields(managedFields("kubectl-client-side-apply"))
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(new IntOrString(minAvailable))
        .withNewSelector()
        .addToMatchLabels(APP, app)
        .endSelector()
        .endSpec()
        .build();
  }

  /** Pod {@code ordinal} of a set, owned by it, ready or not, with a full spec and status. */
  public static Pod pod(StatefulSet set, int ordinal, boolean ready) {
    String ns = set.getMetadata().getNamespace();
    String setName = set.getMetadata().getName();
    String name = setName + "-" + ordinal;
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .addToLabels(APP, setName)
        .addToLabels("controller-revision-hash", setName + "-5d8f7c9b6")
        .addToLabels(Slim.POD_NAME_LABEL, name)
        .addToLabels("apps.kubernetes.io/pod-index", Integer.toString(ordinal))
        .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z")
        .addToAnnotations("prometheus.io/scrape", "true")
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withName(setName)
        .withUid("uid-" + ns + "-" + setName)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .withManagedFields(managedFields("kube-controller-manager"))
        .endMetadata()
        .withSpec(set.getSpec().getTemplate().getSpec())
        .editSpec()
        .withNodeName("node-" + (ordinal % 7))
        .withHostname(name)
        .withSubdomain(set.getSpec().getServiceName())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0." + (ordinal % 250) + ".7")
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .endCondition()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .endCondition()
        .addNewContainerStatus()
        .withName("zookeeper")
        .withImage("registry.example/zookeeper:3.9.2")
        .withImageID(
            "registry.example/zookeeper@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        .withContainerID("containerd://" + Integer.toHexString(name.hashCode()) + "0000ffff")
        .withReady(ready)
        .withRestartCount(0)
        .withStarted(true)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Map<String, String> lastApplied(String kind, String ns, String name) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(
        "kubectl.kubernetes.io/last-applied-configuration",
        "{\"apiVersion\":\"v1\",\"kind\":\""
            + kind
            + "\",\"metadata\":{\"annotations\":{},\"name\":\""
            + name
            + "\",\"namespace\":\""
            + ns
            + "\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\""
            + name
            + "\"}},\"template\":{\"spec\":{\"containers\":[{\"name\":\"zookeeper\",\"image\":"
            + "\"registry.example/zookeeper:3.9.2\"}]}}}}");
    annotations.put("meta.helm.sh/release-name", "data");
    annotations.put("meta.helm.sh/release-namespace", ns);
    return annotations;
  }

  private static List<ManagedFieldsEntry> managedFields(String manager) {
    Map<String, Object> spec = new LinkedHashMap<>();
    for (String field :
        List.of(
            "f:replicas",
            "f:selector",
            "f:serviceName",
            "f:template",
            "f:updateStrategy",
            "f:podManagementPolicy",
            "f:volumeClaimTemplates")) {
      spec.put(field, Map.of(".", Map.of(), "f:type", Map.of()));
    }
    FieldsV1 fields = new FieldsV1();
    fields.setAdditionalProperty("f:metadata", Map.of("f:labels", Map.of(".", Map.of())));
    fields.setAdditionalProperty("f:spec", spec);
    return List.of(
        new ManagedFieldsEntryBuilder()
            .withManager(manager)
            .withOperation("Update")
            .withApiVersion("apps/v1")
            .withTime("2026-01-01T00:00:00Z")
            .withFieldsType("FieldsV1")
            .withFieldsV1(fields)
            .build());
  }
}
