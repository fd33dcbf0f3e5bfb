package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate files replaced under a running server, while a client keeps sending reviews, each
 * over a new connection (a new TLS handshake): no request fails, and new connections get the new
 * certificate once its files are complete.
 */
class CertificateRotationIT {

  @TempDir Path certs;

  private Webhook webhook;

  @BeforeEach
  void start() throws Exception {
    TestTls.install(1, certs);
    ServeConfig config =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_HOST", "127.0.0.1",
                    "STATEGUARD_PORT", "0",
                    "STATEGUARD_AUDIT_FILE", certs.resolve("audit.jsonl").toString(),
                    "STATEGUARD_INSTANCES", "2",
                    "STATEGUARD_WATCH_INTERVAL", "100ms",
                    "STATEGUARD_SHUTDOWN_GRACE", "2s"))
            .withCertificateFiles(certs.resolve("tls.crt"), certs.resolve("tls.key"));
    webhook =
        Webhook.start(
            config,
            ApiServerFixtures.policies(),
            ApiServerFixtures.rules(),
            ApiServerFixtures.mutations(),
            ApiServerFixtures.cluster(),
            OutputStream.nullOutputStream());
  }

  @AfterEach
  void stop() {
    webhook.close();
  }

  @Test
  void rotatesWithoutFailingARequestAndServesTheNewCertificateAfter() throws Exception {
    String first = webhook.certificateFingerprint();
    Loop loop = new Loop(webhook.port());
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      Future<?> a = executor.submit(loop);
      Future<?> b = executor.submit(loop);
      loop.awaitRequests(20);

      TestTls.install(2, certs);
      await(() -> !webhook.certificateFingerprint().equals(first));
      String second = webhook.certificateFingerprint();
      await(() -> loop.seen.contains(second));
      int afterRotation = loop.requests.get();
      loop.awaitRequests(afterRotation + 20);
      loop.stop.set(true);
      a.get();
      b.get();

      assertThat(loop.failures.get()).as("failed requests, first: %s", loop.firstFailure).isZero();
      assertThat(loop.seen).containsExactlyInAnyOrder(first, second);
      try (HttpsClient fresh =
          new HttpsClient(webhook.port(), TestTls.SAN_HOST, TestTls.ca(), false)) {
        assertThat(fresh.get("/healthz").certificateFingerprint()).isEqualTo(second);
      }
      assertThat(
              webhook
                  .registry()
                  .get("stateguard_certificate_reloads_total")
                  .tag("result", "success")
                  .counter()
                  .count())
          .isEqualTo(1.0);
    } finally {
      loop.stop.set(true);
      executor.shutdownNow();
    }
  }

  @Test
  void keepsServingTheOldCertificateWhenTheNewPairDoesNotMatch() throws Exception {
    String first = webhook.certificateFingerprint();

    // A writer that replaced the certificate but not yet the key.
    TestTls.write(TestTls.file("tls2.crt"), certs.resolve("tls.crt"));
    await(
        () ->
            webhook
                    .registry()
                    .get("stateguard_certificate_reloads_total")
                    .tag("result", "failure")
                    .counter()
                    .count()
                == 1.0);

    try (HttpsClient client =
        new HttpsClient(webhook.port(), TestTls.SAN_HOST, TestTls.ca(), false)) {
      assertThat(client.get("/healthz").certificateFingerprint()).isEqualTo(first);
      // The key arrives: the complete pair is taken.
      TestTls.write(TestTls.file("tls2.key"), certs.resolve("tls.key"));
      await(() -> !webhook.certificateFingerprint().equals(first));
      assertThat(client.get("/healthz").certificateFingerprint())
          .isEqualTo(webhook.certificateFingerprint());
    }
  }

  /** Sends reviews over new connections until stopped, counting failures and certificates. */
  private static final class Loop implements Runnable {
    final int port;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    volatile String firstFailure;

    Loop(int port) {
      this.port = port;
    }

    @Override
    public void run() {
      try (HttpsClient client = new HttpsClient(port, TestTls.SAN_HOST, TestTls.ca(), false)) {
        byte[] body = ApiServerFixtures.body("statefulset-create.json");
        while (!stop.get()) {
          try {
            HttpsClient.Reply reply = client.review("/validate", body);
            if (reply.status() != 200) {
              fail("status " + reply.status() + ": " + reply.body());
            } else {
              seen.add(reply.certificateFingerprint());
            }
          } catch (Exception e) {
            fail(e.toString());
          }
          requests.incrementAndGet();
        }
      } catch (Exception e) {
        fail(e.toString());
      }
    }

    private void fail(String why) {
      if (failures.getAndIncrement() == 0) {
        firstFailure = why;
      }
    }

    void awaitRequests(int n) throws InterruptedException {
      CertificateRotationIT.await(() -> requests.get() >= n || stop.get());
    }
  }

  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(10);
    }
  }
}
