package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.WorkloadClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for the objects the cluster rules look at, all in namespace {@value #NS} unless
 * told otherwise. A workload's pods carry {@code app=<name>}; its class is set with the {@value
 * WorkloadClass#LABEL} label on the pod template.
 */
final class ClusterFixtures {

  static final String NS = "data";

  private ClusterFixtures() {}

  /** The view a report would build from exactly these manifests. */
  static ClusterView view(HasMetadata... objects) {
    return ManifestClusterView.of(List.of(objects));
  }

  /**
   * A set of {@code replicas} whose pods carry {@code app=<name>}, governed by service {@code
   * <name>-hs}.
   */
  static StatefulSet statefulSet(String name, int replicas, WorkloadClass cls) {
    return statefulSet(NS, name, replicas, cls, Map.of("app", name));
  }

  static StatefulSet quorumSet(String name, int replicas) {
    return statefulSet(name, replicas, WorkloadClass.QUORUM);
  }

  static StatefulSet statefulSet(
      String namespace,
      String name,
      int replicas,
      WorkloadClass cls,
      Map<String, String> selectorLabels) {
    Map<String, String> podLabels = new HashMap<>(selectorLabels);
    if (cls != WorkloadClass.DEFAULT) {
      podLabels.put(WorkloadClass.LABEL, cls.id());
    }
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name + "-hs")
        .withNewSelector()
        .withMatchLabels(selectorLabels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage("example/" + name + ":1.0")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A Service with {@code clusterIP} ({@code None} for headless; null for none set). */
  static Service service(String name, String clusterIp, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP(clusterIp)
        .withSelector(selector)
        .endSpec()
        .build();
  }

  static Service headless(String name, Map<String, String> selector) {
    return service(name, "None", selector);
  }

  /** {@code 2} as an int, {@code 50%} as a string: the two forms of a budget value. */
  static IntOrString value(String text) {
    return text.endsWith("%") ? new IntOrString(text) : new IntOrString(Integer.parseInt(text));
  }

  static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }

  static PodDisruptionBudget minAvailable(String name, String value, LabelSelector selector) {
    return pdb(NS, name, value(value), null, selector);
  }

  static PodDisruptionBudget maxUnavailable(String name, String value, LabelSelector selector) {
    return pdb(NS, name, null, value(value), selector);
  }

  /** A budget setting the given field ({@code minAvailable} or {@code maxUnavailable}). */
  static PodDisruptionBudget budget(
      String name, String field, String value, LabelSelector selector) {
    return switch (field) {
      case "minAvailable" -> minAvailable(name, value, selector);
      case "maxUnavailable" -> maxUnavailable(name, value, selector);
      default -> throw new IllegalArgumentException(field);
    };
  }

  static PodDisruptionBudget pdb(
      String namespace,
      String name,
      IntOrString minAvailable,
      IntOrString maxUnavailable,
      LabelSelector selector) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withMinAvailable(minAvailable)
        .withMaxUnavailable(maxUnavailable)
        .withSelector(selector)
        .endSpec()
        .build();
  }
}
