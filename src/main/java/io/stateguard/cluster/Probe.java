package io.stateguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the API server answers, asked off the request path ({@code GET /version}, which every
 * client may read) by the view's watchdog. An informer's watch does not say when its connection is
 * gone: the client reconnects quietly and still reports the watch as running. Any HTTP answer
 * counts as reachable; a connection failure or a timeout does not. Thread-safe; at most one probe
 * is in flight.
 */
final class Probe {

  private final HttpClient http;
  private final String url;
  private final Duration timeout;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final Clock clock;
  private volatile boolean reachable = true;
  private volatile String problem;
  private volatile Instant failedProbeSent;
  private volatile Instant lostProbeSent;

  Probe(KubernetesClient client, Duration timeout, Clock clock) {
    this.clock = clock;
    this.http = client.getHttpClient();
    String master = client.getMasterUrl().toString();
    this.url = (master.endsWith("/") ? master : master + "/") + "version";
    this.timeout = timeout;
  }

  /** Sends a probe unless one is still in flight; returns at once. */
  void run() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    Instant sent = clock.instant();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(url)
            .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .build();
    try {
      http.sendAsync(request, String.class)
          .orTimeout(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
          .whenComplete(
              (response, error) -> {
                if (error == null) {
                  reachable = true;
                  problem = null;
                  failedProbeSent = null;
                  lostProbeSent = null;
                } else {
                  failed(error, sent);
                }
                inFlight.set(false);
              });
    } catch (RuntimeException e) {
      failed(e, sent);
      inFlight.set(false);
    }
  }

  private void failed(Throwable error, Instant sent) {
    reachable = false;
    problem = Feed.describe(error);
    failedProbeSent = sent;
    if (!slow(error)) {
      lostProbeSent = sent;
    }
  }

  /**
   * Whether {@code error} says only that the answer took too long: the server accepted the
   * connection (or it was already open) and is busy, as an API server is while it serves large
   * lists. That proves nothing about the watches, which get their events over their own
   * connections. A connection that cannot be made (refused, reset, or not even accepted in time)
   * does: the watches on that server are down as well.
   */
  static boolean slow(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return false;
      }
      if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Whether the last probe got an answer (true until one fails). */
  boolean reachable() {
    return reachable;
  }

  /**
   * When the last probe was sent, if it failed; null once one gets an answer. A cache listed after
   * that moment is not made stale by it: the list itself got through.
   */
  Instant failedProbeSent() {
    return failedProbeSent;
  }

  /**
   * When the last probe was sent, if it failed because no connection could be made or kept (not
   * merely slow, see {@link #slow}); null once one gets an answer. Only this makes the caches
   * relist after the server is back: a slow answer says nothing about the watches.
   */
  Instant lostProbeSent() {
    return lostProbeSent;
  }

  /** Why the last probe failed, or null. */
  String problem() {
    return problem;
  }
}
