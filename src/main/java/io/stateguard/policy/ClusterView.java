package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Optional;

/**
 * The read-only questions rules ask about the rest of the cluster. In a report the manifests given
 * answer them; in a cluster, informer caches do. Implementations answer from memory: no call may do
 * I/O, since rules run on the request path.
 */
public interface ClusterView {

  Optional<Service> service(String namespace, String name);

  List<StatefulSet> statefulSets(String namespace);

  List<PodDisruptionBudget> podDisruptionBudgets(String namespace);

  Optional<StorageClass> storageClass(String name);

  /**
   * The pods of {@code namespace} that the StatefulSet {@code statefulSetName} controls (owner
   * reference with {@code controller: true}), by ordinal. Empty where the view holds no pods (a
   * report's manifests).
   */
  default List<Pod> pods(String namespace, String statefulSetName) {
    return List.of();
  }

  /**
   * Whether this view knows the cluster's StorageClasses: only then does a class that {@link
   * #storageClass} cannot find mean the cluster has none of that name. False unless a view says
   * otherwise.
   */
  default boolean storageClassesKnown() {
    return false;
  }

  /**
   * Every StorageClass of the cluster, in no particular order; rules use it to find the default
   * class. A view whose {@link #storageClassesKnown()} is true should list them; this default lists
   * none, which rules read as "nothing to say about the default class".
   */
  default List<StorageClass> storageClasses() {
    return List.of();
  }

  /** A view of an empty cluster. */
  static ClusterView empty() {
    return new ClusterView() {
      @Override
      public Optional<Service> service(String namespace, String name) {
        return Optional.empty();
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
    };
  }
}
