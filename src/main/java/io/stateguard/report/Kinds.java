package io.stateguard.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the loader does with each apiVersion and kind: the kinds stateguard evaluates or needs in
 * its view of the cluster are read into model classes; retired versions of those kinds and versions
 * that never existed are problems; every other kind is skipped.
 */
final class Kinds {

  /** A kind read into a model class. */
  record Typed(
      String apiVersion, String kind, Class<? extends HasMetadata> type, boolean namespaced) {}

  /** What to do with one document. */
  sealed interface Decision {}

  record Read(Typed typed) implements Decision {}

  record Reject(String message, boolean namespaced) implements Decision {}

  record Skip(String key) implements Decision {}

  private static final List<Typed> TYPED =
      List.of(
          new Typed("apps/v1", "StatefulSet", StatefulSet.class, true),
          new Typed("policy/v1", "PodDisruptionBudget", PodDisruptionBudget.class, true),
          new Typed("v1", "Service", Service.class, true),
          new Typed("v1", "Pod", Pod.class, true),
          new Typed("storage.k8s.io/v1", "StorageClass", StorageClass.class, false));

  /** Versions Kubernetes no longer serves, and the release that removed them. */
  private static final Map<String, String> REMOVED =
      Map.of(
          "apps/v1beta1 StatefulSet", "1.16",
          "apps/v1beta2 StatefulSet", "1.16",
          "policy/v1beta1 PodDisruptionBudget", "1.25",
          "storage.k8s.io/v1beta1 StorageClass", "1.22");

  private static final Map<String, String> REMOVAL_NOTES =
      Map.of(
          "PodDisruptionBudget",
          " (note: under policy/v1 an empty selector selects every pod in the namespace)");

  private Kinds() {}

  static Decision decide(String apiVersion, String kind) {
    for (Typed typed : TYPED) {
      if (typed.apiVersion.equals(apiVersion) && typed.kind.equals(kind)) {
        return new Read(typed);
      }
    }
    Optional<Typed> sameKind = TYPED.stream().filter(t -> t.kind.equals(kind)).findFirst();
    if (sameKind.isEmpty()) {
      return new Skip(kind);
    }
    Typed typed = sameKind.get();
    String removedIn = REMOVED.get(apiVersion + " " + kind);
    if (removedIn != null) {
      return new Reject(
          apiVersion
              + " "
              + kind
              + " was removed in Kubernetes "
              + removedIn
              + ": use apiVersion "
              + typed.apiVersion
              + REMOVAL_NOTES.getOrDefault(kind, ""),
          typed.namespaced);
    }
    if (isBuiltIn(group(apiVersion))) {
      return new Reject(
          "apiVersion "
              + apiVersion
              + " has no kind "
              + kind
              + ": use apiVersion "
              + typed.apiVersion,
          typed.namespaced);
    }
    // The same name in another API group is another kind (a custom resource, say): not ours.
    return new Skip(apiVersion + " " + kind);
  }

  /**
   * Whether a group belongs to Kubernetes itself (the core group, {@code apps}, {@code *.k8s.io}),
   * where a kind it lacks is a mistake. Custom resource groups always contain a dot.
   */
  private static boolean isBuiltIn(String group) {
    return !group.contains(".") || group.endsWith(".k8s.io") || group.endsWith(".kubernetes.io");
  }

  private static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}
