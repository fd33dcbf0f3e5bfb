package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private final SharedIndexInformer<T> informer;
  private final String server;
  private final Clock clock;
  private final Instant started;
  private final Duration warnAfter;
  private volatile CompletableFuture<Void> synced = new CompletableFuture<>();

  // Written by the informer's threads (failed) and read by everyone.
  private volatile String problem;
  private volatile Instant problemAt;
  private volatile Instant problemLogged;

  // Written by the watchdog (check) only.
  private volatile Instant lastCurrent;
  private volatile Instant staleLogged;

  Feed(
      String resource,
      SharedIndexInformer<T> informer,
      String server,
      Clock clock,
      Duration warnAfter) {
    this.resource = resource;
    this.informer = informer;
    this.server = server;
    this.clock = clock;
    this.warnAfter = warnAfter;
    this.started = clock.instant();
    informer.exceptionHandler(this::failed);
  }

  String resource() {
    return resource;
  }

  /** Starts listing and watching; the future completes once the first list is in the cache. */
  CompletableFuture<Void> start() {
    synced = informer.start().toCompletableFuture();
    return synced;
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

  int size() {
    return informer.getIndexer().list().size();
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

  /**
   * Notes whether the cache is current now (synced and watching), and logs when it has not been for
   * {@code warnAfter}, and again when it is current again. Called by the view's watchdog.
   */
  void check() {
    Instant now = clock.instant();
    boolean current = informer.hasSynced() && informer.isWatching();
    if (current) {
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
      LOGGER
          .atWarn()
          .addKeyValue("resource", resource)
          .addKeyValue("server", server)
          .addKeyValue("staleSeconds", stale.toSeconds())
          .addKeyValue("error", problem == null ? "" : problem)
          .log(
              "the cache of {} is stale: no watch on the API server {} for {} s{}; admissions"
                  + " keep using the {} as of {}",
              resource,
              server,
              stale.toSeconds(),
              problem == null ? "" : " (last error: " + problem + ")",
              resource,
              lastCurrent);
    }
  }

  /**
   * How long the cache has not been current: zero while synced and watching; else since it last was
   * (as of the last {@link #check}), or since the start when it never was.
   */
  Duration stale(Instant now) {
    if (informer.hasSynced() && informer.isWatching()) {
      return Duration.ZERO;
    }
    Instant since = lastCurrent == null ? started : lastCurrent;
    Duration d = Duration.between(since, now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** What is known about this cache now; the last failure only while it is not current. */
  CacheState state() {
    Instant now = clock.instant();
    boolean current = informer.hasSynced() && informer.isWatching();
    String p = problem;
    return new CacheState(
        resource,
        informer.hasSynced(),
        informer.isWatching(),
        stale(now),
        current || p == null ? Optional.empty() : Optional.of(p));
  }

  /**
   * A failure in words: the innermost cause's type and message ({@code ConnectException: Connection
   * refused}), with the outermost message when it says more (an HTTP status).
   */
  static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootText =
        root.getClass().getSimpleName()
            + (root.getMessage() == null || root.getMessage().isBlank()
                ? ""
                : ": " + root.getMessage());
    if (root == error || error.getMessage() == null || error.getMessage().isBlank()) {
      return oneLine(rootText);
    }
    return oneLine(error.getMessage() + " (" + rootText + ")");
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
  }

  void stop() {
    informer.stop();
  }
}
