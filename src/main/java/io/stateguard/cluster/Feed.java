package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind's informer (list, then watch, relist when the API server says the watch is too old) and
 * what is known about its health: synced or not, the last list or watch failure, and since when the
 * cache has not been current (not synced, or its watch down).
 *
 * <p>The informer's own threads report failures ({@link #failed}); the view's watchdog thread calls
 * {@link #check} once a period; request threads read the cache and {@link #state}. Fields shared
 * between them are volatile; each is written by one thread only.
 */
final class Feed<T extends HasMetadata> {

  private static final Logger LOGGER = LoggerFactory.getLogger(Feed.class);

  /** The same failure is logged again at most this often while it lasts. */
  static final Duration REPEAT_LOG = Duration.ofMinutes(1);

  /** Orders objects by name, shorter first: {@code zk-2} before {@code zk-10}. */
  static final Comparator<HasMetadata> BY_NAME =
      Comparator.comparingInt((HasMetadata o) -> o.getMetadata().getName().length())
          .thenComparing(o -> o.getMetadata().getName());

  private final String resource;
  private final Supplier<SharedIndexInformer<T>> factory;
  private final Supplier<Instant> failedProbeSent;
  private final Supplier<Instant> lostProbeSent;
  private final String server;
  private final Clock clock;
  private final Instant started;
  private final Duration warnAfter;
  private volatile SharedIndexInformer<T> informer;
  // A relist after an outage, until it has synced and replaced the informer above.
  private volatile SharedIndexInformer<T> relisting;
  // Set by a failure or an unreachable server once synced: the cache may have missed events.
  private volatile boolean outage;
  // When the informer above last had a full list in its cache.
  private volatile Instant listedAt;

  // Written by the informer's threads (failed) and read by everyone.
  private volatile String problem;
  private volatile Instant problemAt;
  private volatile Instant problemLogged;

  // Written by the watchdog (check), and once by the first sync.
  private volatile Instant lastCurrent;
  private volatile Instant staleLogged;

  /**
   * @param resource the resource's name, for logs and metrics
   * @param factory a new, not yet started informer with its item store and indexes
   * @param failedProbeSent when the last probe of the API server was sent, if it failed; else null
   * @param lostProbeSent when the last probe was sent, if it failed for want of a connection (not
   *     for a slow answer); else null
   * @param server the API server's address, for logs
   */
  Feed(
      String resource,
      Supplier<SharedIndexInformer<T>> factory,
      Supplier<Instant> failedProbeSent,
      Supplier<Instant> lostProbeSent,
      String server,
      Clock clock,
      Duration warnAfter) {
    this.resource = resource;
    this.factory = factory;
    this.failedProbeSent = failedProbeSent;
    this.lostProbeSent = lostProbeSent;
    this.server = server;
    this.clock = clock;
    this.warnAfter = warnAfter;
    this.started = clock.instant();
    this.informer = newInformer();
  }

  private SharedIndexInformer<T> newInformer() {
    SharedIndexInformer<T> created = factory.get();
    created.exceptionHandler(this::failed);
    return created;
  }

  String resource() {
    return resource;
  }

  /** Starts listing and watching; the future completes once the first list is in the cache. */
  CompletableFuture<Void> start() {
    // Current as of the moment the first list is in, even if no check runs before a later outage.
    return informer
        .start()
        .toCompletableFuture()
        .thenRun(
            () -> {
              listedAt = clock.instant();
              lastCurrent = listedAt;
            });
  }

  /**
   * Whether a probe sent since the cache was listed failed. A failed probe sent before says nothing
   * about the cache: when the API server could not be reached at the start, the first list (which
   * got through) would otherwise be followed by a needless relist of everything, and the cache
   * would show as stale until the next probe.
   */
  private boolean unreachable() {
    return since(failedProbeSent.get());
  }

  /**
   * Whether a probe sent since the cache was listed found no connection to the server: its watch is
   * down too, and may miss events (the mock API server's watch, unlike a real one, does not replay
   * what happened while it was down; neither does any server whose event history was compacted
   * meanwhile, in which case the informer relists by itself).
   */
  private boolean disconnected() {
    return since(lostProbeSent.get());
  }

  private boolean since(Instant probeSent) {
    Instant listed = listedAt;
    return probeSent != null && (listed == null || !probeSent.isBefore(listed));
  }

  /** Whether the first full list is in the cache. */
  boolean synced() {
    return informer.hasSynced();
  }

  /** The cached object {@code key} ({@code namespace/name}, or the name when cluster-scoped). */
  Optional<T> get(String key) {
    return Optional.ofNullable(informer.getIndexer().getByKey(key));
  }

  /** The cached objects whose index {@code index} holds {@code value}, by name. */
  List<T> byIndex(String index, String value) {
    List<T> found = informer.getIndexer().byIndex(index, value);
    if (found.size() > 1) {
      found.sort(BY_NAME);
    }
    return List.copyOf(found);
  }

  /** The cached objects of {@code namespace}, by name. */
  List<T> inNamespace(String namespace) {
    return byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  /** Every cached object, in no particular order. */
  List<T> all() {
    return List.copyOf(informer.getIndexer().list());
  }

  int size() {
    // The keys, not the objects: a packed cache would build every object to count them.
    return informer.getIndexer().listKeys().size();
  }

  /**
   * The informer's list or watch failed; it retries (with backoff) whatever the failure, since the
   * API server coming back is the only way the cache gets current again.
   */
  boolean failed(boolean isStarted, Throwable error) {
    Instant now = clock.instant();
    String what = describe(error);
    boolean repeat = what.equals(problem);
    problem = what;
    problemAt = now;
    if (informer.hasSynced()) {
      outage = true;
    }
    Instant logged = problemLogged;
    if (!repeat || logged == null || !now.isBefore(logged.plus(REPEAT_LOG))) {
      problemLogged = now;
      if (!synced()) {
        LOGGER
            .atWarn()
            .addKeyValue("resource", resource)
            .addKeyValue("server", server)
            .addKeyValue("error", what)
            .log(
                "cannot list {} from the API server {}: {}; not ready until the first list"
                    + " succeeds, retrying with backoff",
                resource,
                server,
                what);
      } else {
        LOGGER
            .atWarn()
            .addKeyValue("resource", resource)
            .addKeyValue("server", server)
            .addKeyValue("error", what)
            .log(
                "the watch of {} on the API server {} failed: {}; reconnecting, and admissions"
                    + " use the cached {} meanwhile",
                resource,
                server,
                what,
                resource);
      }
    } else {
      LOGGER
          .atDebug()
          .addKeyValue("resource", resource)
          .addKeyValue("error", what)
          .log("{} still failing", resource);
    }
    return true;
  }

  /** Whether the cache is known to hold the cluster's state now. */
  private boolean current() {
    return informer.hasSynced()
        && informer.isWatching()
        && !unreachable()
        && !outage
        && relisting == null;
  }

  /**
   * Notes whether the cache is current now, logs when it has not been for {@code warnAfter} (and
   * again when it is current again), and relists once the API server answers after an outage.
   * Called by the view's watchdog thread only.
   *
   * <p>An outage is a failed list or watch, or a probe that could not connect at all. A probe that
   * only timed out (a busy server: one serving the first lists of many informers, say) shows the
   * cache as not known to be current, but does not make it relist: a relist then would copy every
   * cache a second time, and add load to a server that is already slow.
   */
  void check() {
    Instant now = clock.instant();
    if (informer.hasSynced() && disconnected()) {
      outage = true;
    }
    if (outage && failedProbeSent.get() == null && relisting == null) {
      relist();
    }
    if (current()) {
      Instant since = lastCurrent;
      if (staleLogged != null) {
        LOGGER
            .atInfo()
            .addKeyValue("resource", resource)
            .addKeyValue("server", server)
            .addKeyValue(
                "staleSeconds", since == null ? 0 : Duration.between(since, now).toSeconds())
            .log("the cache of {} is current again (watching {})", resource, server);
        staleLogged = null;
      }
      lastCurrent = now;
      return;
    }
    Duration stale = stale(now);
    Instant logged = staleLogged;
    if (lastCurrent != null
        && stale.compareTo(warnAfter) >= 0
        && (logged == null || !now.isBefore(logged.plus(REPEAT_LOG)))) {
      staleLogged = now;
      String why = problem == null ? "" : " (last error: " + problem + ")";
      LOGGER
          .atWarn()
          .addKeyValue("resource", resource)
          .addKeyValue("server", server)
          .addKeyValue("staleSeconds", stale.toSeconds())
          .addKeyValue("error", problem == null ? "" : problem)
          .log(
              "the cache of {} is stale: not in touch with the API server {} for {} s{};"
                  + " admissions keep using the {} as of {}",
              resource,
              server,
              stale.toSeconds(),
              why,
              resource,
              lastCurrent);
    }
  }

  /**
   * Lists everything again with a new informer, while the old one keeps answering, and swaps them
   * once the new one has synced: whatever happened while the API server could not be reached (a
   * deletion the resumed watch does not replay) is then in the cache. Both informers share one item
   * store (see {@code InformerClusterView}): the new list replaces what it lists as it goes, and
   * removes what it did not list when it is complete; until the swap, reads go through the old
   * informer's indexes, which skip what was removed.
   */
  private void relist() {
    outage = false;
    SharedIndexInformer<T> next = newInformer();
    relisting = next;
    next.start()
        .whenComplete(
            (ok, error) -> {
              if (error != null || relisting != next) {
                next.stop();
                if (relisting == next) {
                  relisting = null;
                  outage = true; // try again on the next check
                }
                return;
              }
              SharedIndexInformer<T> old = informer;
              listedAt = clock.instant();
              informer = next;
              relisting = null;
              old.stop();
              LOGGER
                  .atInfo()
                  .addKeyValue("resource", resource)
                  .addKeyValue("objects", size())
                  .log("relisted {} after the outage: {} cached", resource, size());
            });
  }

  /**
   * How long the cache has not been current: zero while synced and watching; else since it last was
   * (as of the last {@link #check}), or since the start when it never was.
   */
  Duration stale(Instant now) {
    if (current()) {
      return Duration.ZERO;
    }
    Instant since = lastCurrent == null ? started : lastCurrent;
    Duration d = Duration.between(since, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** What is known about this cache now; the last failure only while it is not current. */
  CacheState state() {
    Instant now = clock.instant();
    boolean current = current();
    String p = problem != null ? problem : unreachable() ? "API server unreachable" : null;
    return new CacheState(
        resource,
        informer.hasSynced(),
        informer.isWatching(),
        stale(now),
        current || p == null ? Optional.empty() : Optional.of(p));
  }

  /**
   * A failure in words: each distinct cause in the chain, outermost first, without the wrappers
   * that only repeat their cause ({@code ConnectException: ClosedChannelException}, {@code
   * HttpConnectTimeoutException: HTTP connect timed out}).
   */
  static String describe(Throwable error) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      boolean wrapper =
          t instanceof CompletionException
              || t instanceof ExecutionException
              || (t.getCause() != null
                  && message != null
                  && message.equals(t.getCause().toString()));
      if (wrapper) {
        continue;
      }
      String part = t.getClass().getSimpleName();
      if (message != null && !message.isBlank() && !message.equals(t.getClass().getName())) {
        part += ": " + message;
      }
      if (!parts.contains(part)) {
        parts.add(part);
      }
    }
    return oneLine(String.join(": ", parts));
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  void stop() {
    SharedIndexInformer<T> next = relisting;
    relisting = null;
    if (next != null) {
      next.stop();
    }
    informer.stop();
  }
}
