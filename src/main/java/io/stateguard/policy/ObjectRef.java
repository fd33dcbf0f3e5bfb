package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Locale;
import java.util.Objects;

/** Names one Kubernetes object: what reports and messages point at. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {

  public ObjectRef {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  public static ObjectRef of(HasMetadata object) {
    return new ObjectRef(
        object.getApiVersion() == null ? "" : object.getApiVersion(),
        object.getKind() == null ? object.getClass().getSimpleName() : object.getKind(),
        object.getMetadata() == null ? null : object.getMetadata().getNamespace(),
        object.getMetadata() == null ? null : object.getMetadata().getName());
  }

  /** {@code namespace/name}, or the name alone for cluster-scoped objects. */
  public String qualifiedName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** As messages name it: {@code statefulset data/zk}. */
  @Override
  public String toString() {
    String shortKind =
        switch (kind) {
          case "PodDisruptionBudget" -> "pdb";
          default -> kind.toLowerCase(Locale.ROOT);
        };
    return shortKind + " " + qualifiedName();
  }
}
