package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.stateguard.policy.ClusterView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as the API server describes it, from informer caches: StatefulSets,
 * PodDisruptionBudgets (policy/v1), Services and StorageClasses of every namespace, and the pods of
 * StatefulSets only (those labelled {@value Slim#POD_NAME_LABEL}, which the StatefulSet controller
 * sets and no other controller does, so a Deployment's pods are never listed or cached).
 *
 * <p>Every {@link ClusterView} question is answered from memory, through an index by namespace (and
 * for pods, by owning StatefulSet): no call reaches the API server on the request path, and a
 * lookup touches one namespace's objects, never the whole cluster. The caches keep slim copies (see
 * {@link Slim} for what is kept and why); the objects returned are shared and must not be modified.
 *
 * <p>Starting does not wait for the API server: the informers list, then watch, in the background,
 * and retry with backoff when the server cannot be reached. Until every cache has its first full
 * list, {@link #notReady} says which have not; a webhook is not ready meanwhile. When the watch
 * drops later, the informers reconnect (and relist when the server no longer has the events since
 * their last version), while answers keep coming from the last cached state; a watchdog notes how
 * long each cache has not been current ({@link #caches}) and logs a warning once that passes a
 * threshold.
 *
 * <p>Thread-safe: request threads read, the informers' threads write, the watchdog thread checks.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(InformerClusterView.class);

  /** The pods index: {@code namespace/statefulset} of the StatefulSet that controls a pod. */
  static final String BY_STATEFULSET = "statefulset";

  /** How often the watchdog looks at each cache. */
  static final Duration CHECK_PERIOD = Duration.ofSeconds(1);

  /** How long a cache may go without a watch before a warning is logged. */
  static final Duration WARN_AFTER = Duration.ofSeconds(15);

  /** How long a probe of the API server may take before it counts as unreachable. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Objects per list page. A page is held whole while it is read: its text, then its objects as
   * listed (a pod with its managed fields, full spec and status is about 10 KB of objects before
   * the slim copy is kept), for each of the five caches at once while they first sync. At 500 (the
   * common default) that peak was about 40 MB beside the caches in the cluster benchmark, more than
   * a small heap leaves; at 100 it is a fifth of that, for five times as many (small) list
   * requests.
   */
  static final long PAGE = 100;

  private final String server;
  private final Probe probe;
  private final Feed<StatefulSet> statefulSets;
  private final Feed<PodDisruptionBudget> budgets;
  private final Feed<Service> services;
  private final Feed<StorageClass> storageClasses;
  private final Feed<Pod> pods;
  private final List<Feed<?>> feeds;
  private final ScheduledExecutorService watchdog;
  private final CompletableFuture<Void> synced;

  private InformerClusterView(KubernetesClient client, Clock clock, Duration warnAfter) {
    this.server = client.getMasterUrl() == null ? "(unknown)" : client.getMasterUrl().toString();
    this.probe = new Probe(client, PROBE_TIMEOUT, clock);
    statefulSets =
        feed(
            "statefulsets",
            () -> client.apps().statefulSets().inAnyNamespace().withLimit(PAGE).runnableInformer(0),
            SlimStore::statefulSets,
            clock,
            warnAfter);
    budgets =
        feed(
            "poddisruptionbudgets",
            () ->
                client
                    .policy()
                    .v1()
                    .podDisruptionBudget()
                    .inAnyNamespace()
                    .withLimit(PAGE)
                    .runnableInformer(0),
            () -> SlimStore.of(Slim::podDisruptionBudget),
            clock,
            warnAfter);
    services =
        feed(
            "services",
            () -> client.services().inAnyNamespace().withLimit(PAGE).runnableInformer(0),
            () -> SlimStore.of(Slim::service),
            clock,
            warnAfter);
    storageClasses =
        feed(
            "storageclasses",
            () -> client.storage().v1().storageClasses().withLimit(PAGE).runnableInformer(0),
            () -> SlimStore.of(Slim::storageClass),
            clock,
            warnAfter);
    pods =
        feed(
            "pods",
            () -> {
              SharedIndexInformer<Pod> informer =
                  client
                      .pods()
                      .inAnyNamespace()
                      .withLabel(Slim.POD_NAME_LABEL)
                      .withLimit(PAGE)
                      .runnableInformer(0);
              informer.addIndexers(Map.of(BY_STATEFULSET, InformerClusterView::owningSetKey));
              // Pods are read by their set only: an index by namespace would be 50,000 more
              // entries for nothing.
              informer.removeNamespaceIndex();
              return informer;
            },
            SlimStore::pods,
            clock,
            warnAfter);
    feeds = List.of(statefulSets, budgets, services, storageClasses, pods);
    watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stateguard-cluster-watchdog");
              t.setDaemon(true);
              return t;
            });
    synced =
        CompletableFuture.allOf(
            feeds.stream().map(Feed::start).toArray(CompletableFuture<?>[]::new));
    synced.thenRun(
        () ->
            LOGGER
                .atInfo()
                .addKeyValue("server", server)
                .addKeyValue("statefulsets", statefulSets.size())
                .addKeyValue("poddisruptionbudgets", budgets.size())
                .addKeyValue("services", services.size())
                .addKeyValue("storageclasses", storageClasses.size())
                .addKeyValue("pods", pods.size())
                .log("cluster caches synced from {}", server));
    long period = CHECK_PERIOD.toMillis();
    watchdog.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the informers on {@code client} and returns at once; they sync in the background. The
   * client stays the caller's: {@link #close} stops the informers, not the client.
   */
  public static InformerClusterView start(KubernetesClient client) {
    return start(client, Clock.systemUTC(), WARN_AFTER);
  }

  /**
   * As {@link #start(KubernetesClient)}, with a warning logged once a cache has had no watch for
   * {@code warnAfter}.
   */
  public static InformerClusterView start(
      KubernetesClient client, Clock clock, Duration warnAfter) {
    Objects.requireNonNull(client, "client");
    LOGGER
        .atInfo()
        .addKeyValue("server", client.getMasterUrl())
        .log(
            "watching statefulsets, poddisruptionbudgets, services, storageclasses and"
                + " statefulset pods on {}",
            client.getMasterUrl());
    return new InformerClusterView(client, clock, warnAfter);
  }

  private <T extends HasMetadata> Feed<T> feed(
      String resource,
      Supplier<SharedIndexInformer<T>> informers,
      Supplier<ItemStore<T>> stores,
      Clock clock,
      Duration warnAfter) {
    // One store for every informer of this kind: a relist after an outage (Feed) lists into the
    // store the cache already has, replacing what is listed and then removing what no longer is,
    // instead of holding a second copy of the cache until the new list is complete (for the
    // pods of a large cluster, tens of megabytes for that moment).
    ItemStore<T> store = stores.get();
    Supplier<SharedIndexInformer<T>> factory =
        () -> {
          SharedIndexInformer<T> informer = informers.get();
          informer.itemStore(store);
          return informer;
        };
    return new Feed<>(
        resource, factory, probe::failedProbeSent, probe::lostProbeSent, server, clock, warnAfter);
  }

  private static List<String> owningSetKey(Pod pod) {
    String set = Slim.owningStatefulSet(pod);
    if (set == null || pod.getMetadata().getNamespace() == null) {
      return List.of(); // not owned by a StatefulSet (orphaned): a member of no set
    }
    return List.of(pod.getMetadata().getNamespace() + "/" + set);
  }

  /** The API server watched. */
  public String server() {
    return server;
  }

  /** Completes once every cache has its first full list. */
  public CompletableFuture<Void> whenSynced() {
    return synced.copy();
  }

  /** Whether every cache has its first full list. */
  public boolean synced() {
    return feeds.stream().allMatch(Feed::synced);
  }

  /**
   * Empty once every cache has synced; else which have not, and why when known: {@code not synced:
   * statefulsets (ConnectException: Connection refused), pods}. For {@code /readyz}.
   */
  public Optional<String> notReady() {
    return notReady(server, caches());
  }

  /** {@link #notReady}'s text for the caches of {@code server} in {@code caches}. */
  static Optional<String> notReady(String server, List<CacheState> caches) {
    List<CacheState> missing = caches.stream().filter(c -> !c.synced()).toList();
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "not synced from "
            + server
            + ": "
            + missing.stream()
                .map(c -> c.resource() + c.problem().map(p -> " (" + p + ")").orElse(""))
                .collect(Collectors.joining(", ")));
  }

  /** The state of each cache now, in a fixed order. */
  public List<CacheState> caches() {
    return feeds.stream().map(Feed::state).toList();
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return services.get(Cache.namespaceKeyFunc(namespace, name));
  }

  @Override
  public List<StatefulSet> statefulSets(String namespace) {
    return statefulSets.inNamespace(namespace);
  }

  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
    return budgets.inNamespace(namespace);
  }

  @Override
  public Optional<StorageClass> storageClass(String name) {
    return storageClasses.get(name);
  }

  @Override
  public boolean storageClassesKnown() {
    return storageClasses.synced();
  }

  @Override
  public List<StorageClass> storageClasses() {
    return storageClasses.all();
  }

  @Override
  public List<Pod> pods(String namespace, String statefulSetName) {
    return pods.byIndex(BY_STATEFULSET, namespace + "/" + statefulSetName);
  }

  private void check() {
    probe.run();
    for (Feed<?> feed : feeds) {
      try {
        feed.check();
      } catch (RuntimeException e) {
        LOGGER.atWarn().log("checking the cache of {} failed: {}", feed.resource(), e.toString());
      }
    }
  }

  /** Stops the informers and the watchdog; the client stays open. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    for (Feed<?> feed : feeds) {
      feed.stop();
    }
  }
}
