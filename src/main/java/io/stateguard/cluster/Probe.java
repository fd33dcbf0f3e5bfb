package io.stateguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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
                } else {
                  reachable = false;
                  problem = Feed.describe(error);
                  failedProbeSent = sent;
                }
                inFlight.set(false);
              });
    } catch (RuntimeException e) {
      reachable = false;
      problem = Feed.describe(e);
      failedProbeSent = sent;
      inFlight.set(false);
    }
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

  /** Why the last probe failed, or null. */
  String problem() {
    return problem;
  }
}
