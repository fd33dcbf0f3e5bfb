package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Defaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The objects rules ask about, read once from a live API server: StatefulSets, PodDisruptionBudgets
 * and Services of one namespace (or of all), and every StorageClass. What {@code stateguard report
 * --cluster} evaluates, and the {@link ClusterView} it evaluates against.
 *
 * <p>Lists are read in pages ({@code limit}/{@code continue}), so a large cluster never arrives in
 * one response. {@code metadata.managedFields} is dropped from every object on arrival: no rule
 * reads it, and it is often the larger part of an object. Objects from the API server carry its
 * defaults already; {@link Defaults} is still applied, since it only fills what is absent (a no-op
 * on what a real API server stored, and the defaults a bare test server leaves out).
 *
 * <p>A StorageClass list the caller may not read (cluster-scoped, so often forbidden to someone who
 * may read one namespace) does not fail the snapshot: storage classes are then not known ({@link
 * #storageClassesKnown()}) and rules that need them cannot tell. Every other failed list fails the
 * read with a {@link ReadException} naming the server, the resource and the reason.
 *
 * <p>Immutable once read, and safe to share between threads.
 */
public final class ClusterSnapshot implements ClusterView {

  /** Objects per page; what {@code kubectl get} asks for. */
  public static final long DEFAULT_PAGE_SIZE = 500;

  /** A list that could not be read; the message names the server, the resource and why. */
  public static final class ReadException extends IOException {
    ReadException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String server;
  private final Optional<String> namespace;
  private final List<StatefulSet> statefulSets;
  private final List<PodDisruptionBudget> podDisruptionBudgets;
  private final List<Service> services;
  private final List<StorageClass> storageClasses;
  private final boolean storageClassesKnown;
  private final ManifestClusterView view;

  private ClusterSnapshot(
      String server,
      Optional<String> namespace,
      List<StatefulSet> statefulSets,
      List<PodDisruptionBudget> podDisruptionBudgets,
      List<Service> services,
      List<StorageClass> storageClasses,
      boolean storageClassesKnown) {
    this.server = server;
    this.namespace = namespace;
    this.statefulSets = List.copyOf(statefulSets);
    this.podDisruptionBudgets = List.copyOf(podDisruptionBudgets);
    this.services = List.copyOf(services);
    this.storageClasses = List.copyOf(storageClasses);
    this.storageClassesKnown = storageClassesKnown;
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(this.services);
    all.addAll(this.statefulSets);
    all.addAll(this.podDisruptionBudgets);
    all.addAll(this.storageClasses);
    this.view = ManifestClusterView.of(all);
  }

  /**
   * Reads the cluster {@code client} points at, in pages of {@value #DEFAULT_PAGE_SIZE}.
   *
   * @param namespace the namespace to read, or empty for all namespaces
   * @throws ReadException when the API server cannot be reached or refuses a list
   */
  public static ClusterSnapshot read(KubernetesClient client, Optional<String> namespace)
      throws ReadException {
    return read(client, namespace, DEFAULT_PAGE_SIZE);
  }

  /** As {@link #read(KubernetesClient, Optional)}, with {@code pageSize} objects per page. */
  public static ClusterSnapshot read(
      KubernetesClient client, Optional<String> namespace, long pageSize) throws ReadException {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(namespace, "namespace");
    if (pageSize <= 0) {
      throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
    }
    String server = client.getConfiguration().getMasterUrl();
    Optional<String> ns = namespace.filter(n -> !n.isEmpty());
    Lister lister = new Lister(server, ns, pageSize);
    List<StatefulSet> sets =
        lister.all(
            "statefulsets (apps/v1)",
            options ->
                ns.isPresent()
                    ? client.apps().statefulSets().inNamespace(ns.get()).list(options)
                    : client.apps().statefulSets().inAnyNamespace().list(options));
    List<PodDisruptionBudget> pdbs =
        lister.all(
            "poddisruptionbudgets (policy/v1)",
            options ->
                ns.isPresent()
                    ? client.policy().v1().podDisruptionBudget().inNamespace(ns.get()).list(options)
                    : client.policy().v1().podDisruptionBudget().inAnyNamespace().list(options));
    List<Service> services =
        lister.all(
            "services (v1)",
            options ->
                ns.isPresent()
                    ? client.services().inNamespace(ns.get()).list(options)
                    : client.services().inAnyNamespace().list(options));
    List<StorageClass> storageClasses = List.of();
    boolean storageClassesKnown = true;
    try {
      storageClasses =
          lister.all(
              "storageclasses (storage.k8s.io/v1)",
              options -> client.storage().v1().storageClasses().list(options));
    } catch (ReadException e) {
      if (!(e.getCause() instanceof KubernetesClientException k) || k.getCode() != 403) {
        throw e;
      }
      storageClassesKnown = false;
    }
    return new ClusterSnapshot(
        server, ns, sets, pdbs, services, storageClasses, storageClassesKnown);
  }

  /** Builds a snapshot from objects already at hand (tests, or a caller that read them itself). */
  public static ClusterSnapshot of(
      String server,
      Optional<String> namespace,
      List<StatefulSet> statefulSets,
      List<PodDisruptionBudget> podDisruptionBudgets,
      List<Service> services,
      List<StorageClass> storageClasses,
      boolean storageClassesKnown) {
    return new ClusterSnapshot(
        server,
        namespace,
        statefulSets.stream().map(ClusterSnapshot::prepared).toList(),
        podDisruptionBudgets.stream().map(ClusterSnapshot::prepared).toList(),
        services.stream().map(ClusterSnapshot::prepared).toList(),
        storageClasses.stream().map(ClusterSnapshot::prepared).toList(),
        storageClassesKnown);
  }

  /** The API server's address, as the kubeconfig names it. */
  public String server() {
    return server;
  }

  /** The namespace read, or empty when all were. */
  public Optional<String> namespace() {
    return namespace;
  }

  /** The StatefulSets read, in the order the API server listed them (namespace, then name). */
  public List<StatefulSet> statefulSets() {
    return statefulSets;
  }

  /** The PodDisruptionBudgets read, in the order the API server listed them. */
  public List<PodDisruptionBudget> podDisruptionBudgets() {
    return podDisruptionBudgets;
  }

  public List<Service> services() {
    return services;
  }

  /** Every StorageClass read, in the order the API server listed them (by name). */
  @Override
  public List<StorageClass> storageClasses() {
    return storageClasses;
  }

  /** What a report evaluates: the StatefulSets, then the PodDisruptionBudgets. */
  public List<HasMetadata> evaluated() {
    List<HasMetadata> objects = new ArrayList<>(statefulSets);
    objects.addAll(podDisruptionBudgets);
    return List.copyOf(objects);
  }

  /**
   * Whether every StorageClass of the cluster is in the snapshot, so that a class missing from it
   * does not exist: true, unless listing them was forbidden.
   */
  @Override
  public boolean storageClassesKnown() {
    return storageClassesKnown;
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return view.service(namespace, name);
  }

  @Override
  public List<StatefulSet> statefulSets(String namespace) {
    return view.statefulSets(namespace);
  }

  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
    return view.podDisruptionBudgets(namespace);
  }

  @Override
  public Optional<StorageClass> storageClass(String name) {
    return view.storageClass(name);
  }

  /** Without managed fields, with the API server's defaults. */
  private static <T extends HasMetadata> T prepared(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return Defaults.apply(object);
  }

  /** Reads every page of one list, and words its failures. */
  private record Lister(String server, Optional<String> namespace, long pageSize) {

    <T extends HasMetadata> List<T> all(
        String resource, Function<ListOptions, KubernetesResourceList<T>> list)
        throws ReadException {
      List<T> items = new ArrayList<>();
      String token = null;
      do {
        ListOptions options =
            new ListOptionsBuilder().withLimit(pageSize).withContinue(token).build();
        KubernetesResourceList<T> page;
        try {
          page = list.apply(options);
        } catch (KubernetesClientException e) {
          throw failure(resource, e);
        }
        for (T item : page.getItems()) {
          items.add(prepared(item));
        }
        token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (token != null && !token.isEmpty());
      return items;
    }

    private ReadException failure(String resource, KubernetesClientException e) {
      String where =
          resource.startsWith("storageclasses")
              ? ""
              : namespace.map(ns -> " in namespace " + ns).orElse(" in all namespaces");
      String what = "cannot list " + resource + where + " from the API server " + server;
      String reason =
          switch (e.getCode()) {
            case 401 -> "unauthorized: the kubeconfig's credentials were not accepted";
            case 403 ->
                "forbidden: the kubeconfig's user may not list them (needs RBAC list on "
                    + resource.substring(0, resource.indexOf(' '))
                    + ")";
            case 404 -> "not found: the API server does not serve this resource";
            default ->
                e.getCode() <= 0
                    ? "the API server cannot be reached (" + ApiErrors.unreachable(e) + ")"
                    : "HTTP " + e.getCode() + ": " + ApiErrors.statusMessage(e);
          };
      return new ReadException(what + ": " + reason, e);
    }
  }
}
