package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stateguard.policy.ClusterView;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The cluster as a set of manifests describes it: what a report evaluates against, so a manifest
 * gets the verdict it would get from a cluster holding exactly those objects.
 *
 * <p>Only the kinds rules ask about are kept (Services, StatefulSets, policy/v1
 * PodDisruptionBudgets, StorageClasses); everything else is ignored, and so is an object without
 * {@code metadata.name}, which the API server would never hold (loading reports it). A namespaced
 * object that names no namespace is placed in the default namespace given to {@link #of(Collection,
 * String)}, and is copied with that namespace set so that messages and policy matching see the same
 * namespace the index does. When two manifests describe the same object, the later one wins, as it
 * would when both are applied in order.
 *
 * <p>Manifests rarely carry the cluster's StorageClasses, so the view claims to know them ({@link
 * #storageClassesKnown()}) only when at least one StorageClass was given: a report that includes
 * the cluster's classes then has claims checked against them, and one that includes none is not
 * told that every class it names is missing.
 *
 * <p>Immutable once built, and safe to share between threads. The objects themselves are shared
 * with the caller, not copied (except to fill in a namespace): nobody may modify them afterwards.
 */
public final class ManifestClusterView implements ClusterView {

  /** The namespace of objects that name none, as kubectl uses without {@code --namespace}. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final Map<String, Map<String, Service>> services;
  private final Map<String, List<StatefulSet>> statefulSets;
  private final Map<String, List<PodDisruptionBudget>> podDisruptionBudgets;
  private final Map<String, StorageClass> storageClasses;

  private ManifestClusterView(
      Map<String, Map<String, Service>> services,
      Map<String, List<StatefulSet>> statefulSets,
      Map<String, List<PodDisruptionBudget>> podDisruptionBudgets,
      Map<String, StorageClass> storageClasses) {
    this.services = services;
    this.statefulSets = statefulSets;
    this.podDisruptionBudgets = podDisruptionBudgets;
    this.storageClasses = storageClasses;
  }

  /** The view of {@code objects}; those naming no namespace are in {@code default}. */
  public static ManifestClusterView of(Collection<? extends HasMetadata> objects) {
    return of(objects, DEFAULT_NAMESPACE);
  }

  /**
   * The view of {@code objects}; those naming no namespace are in {@code defaultNamespace} (a
   * report's {@code --namespace}).
   */
  public static ManifestClusterView of(
      Collection<? extends HasMetadata> objects, String defaultNamespace) {
    Objects.requireNonNull(objects, "objects");
    if (defaultNamespace == null || defaultNamespace.isEmpty()) {
      throw new IllegalArgumentException("the default namespace must not be empty");
    }
    Map<String, Map<String, Service>> services = new HashMap<>();
    Map<String, Map<String, StatefulSet>> sets = new HashMap<>();
    Map<String, Map<String, PodDisruptionBudget>> pdbs = new HashMap<>();
    Map<String, StorageClass> storageClasses = new HashMap<>();
    for (HasMetadata object : objects) {
      if (object == null || nameOf(object).isEmpty()) {
        continue;
      }
      if (object instanceof Service service) {
        String ns = namespaceOf(service, defaultNamespace);
        put(services, ns, nameOf(service), placed(service, ns, o -> new ServiceBuilder(o).build()));
      } else if (object instanceof StatefulSet set) {
        String ns = namespaceOf(set, defaultNamespace);
        put(sets, ns, nameOf(set), placed(set, ns, o -> new StatefulSetBuilder(o).build()));
      } else if (object instanceof PodDisruptionBudget pdb) {
        String ns = namespaceOf(pdb, defaultNamespace);
        put(pdbs, ns, nameOf(pdb), placed(pdb, ns, o -> new PodDisruptionBudgetBuilder(o).build()));
      } else if (object instanceof StorageClass storageClass) {
        // Cluster-scoped: a namespace in the manifest means nothing to the API server either.
        storageClasses.put(nameOf(storageClass), storageClass);
      }
    }
    return new ManifestClusterView(
        freezeMaps(services), freezeLists(sets), freezeLists(pdbs), Map.copyOf(storageClasses));
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.getOrDefault(namespace, Map.of()).get(name));
  }

  /** The StatefulSets of {@code namespace}, in the order their manifests were first given. */
  @Override
  public List<StatefulSet> statefulSets(String namespace) {
    return statefulSets.getOrDefault(namespace, List.of());
  }

  /** The PodDisruptionBudgets of {@code namespace}, in the order their manifests were given. */
  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
    return podDisruptionBudgets.getOrDefault(namespace, List.of());
  }

  @Override
  public Optional<StorageClass> storageClass(String name) {
    return Optional.ofNullable(storageClasses.get(name));
  }

  /** True when the manifests include at least one StorageClass (see the class comment). */
  @Override
  public boolean storageClassesKnown() {
    return !storageClasses.isEmpty();
  }

  /** The StorageClasses among the manifests, sorted by name. */
  @Override
  public List<StorageClass> storageClasses() {
    return storageClasses.values().stream()
        .sorted(Comparator.comparing(ManifestClusterView::nameOf))
        .toList();
  }

  /**
   * The object itself when it already names {@code ns}, else a copy in {@code ns}: the caller's
   * object is never changed.
   */
  private static <T extends HasMetadata> T placed(T object, String ns, UnaryOperator<T> copy) {
    if (ns.equals(object.getMetadata().getNamespace())) {
      return object;
    }
    T placed = copy.apply(object); // the builders copy the metadata, so this edits only the copy
    placed.getMetadata().setNamespace(ns);
    return placed;
  }

  private static String namespaceOf(HasMetadata object, String defaultNamespace) {
    String ns = object.getMetadata() == null ? null : object.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? defaultNamespace : ns;
  }

  private static String nameOf(HasMetadata object) {
    String name = object.getMetadata() == null ? null : object.getMetadata().getName();
    return name == null ? "" : name;
  }

  /** Adds or replaces; a replaced object keeps the position of the first one. */
  private static <T> void put(Map<String, Map<String, T>> index, String ns, String name, T value) {
    index.computeIfAbsent(ns, k -> new LinkedHashMap<>()).put(name, value);
  }

  private static <T> Map<String, Map<String, T>> freezeMaps(Map<String, Map<String, T>> index) {
    Map<String, Map<String, T>> frozen = new HashMap<>();
    index.forEach((ns, byName) -> frozen.put(ns, Map.copyOf(byName)));
    return Map.copyOf(frozen);
  }

  private static <T> Map<String, List<T>> freezeLists(Map<String, Map<String, T>> index) {
    Map<String, List<T>> frozen = new HashMap<>();
    index.forEach((ns, byName) -> frozen.put(ns, List.copyOf(byName.values())));
    return Map.copyOf(frozen);
  }
}
