package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stateguard.admission.ServeConfig;
import io.stateguard.admission.Webhook;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import io.stateguard.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --certs-mode self} end to end against the mock API server: the certificate is made
 * before the server listens, and a client that trusts only the caBundle read back from the patched
 * ValidatingWebhookConfiguration (as the API server does) connects over TLS with its host name
 * checked against the Service's name. A renewal reaches the running server through its file reload,
 * and the same client trusts the new certificate.
 */
@EnableKubernetesMockClient(crud = true)
class SelfCertificatesIT {

  private static final String NAMESPACE = "guard-system";
  private static final String SERVICE = "sg-stateguard";
  private static final String WEBHOOKS = "sg-stateguard";

  KubernetesClient client;

  @TempDir Path work;

  @Test
  void servesACertificateTheApiServerTrustsThroughThePatchedCaBundleAndRenewsIt() throws Exception {
    // Given the chart's webhook configurations, without a caBundle, and a clock 70 days behind
    // (so the first certificate, valid 90 days, is due for renewal when the clock catches up)
    installWebhookConfigurations();
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(70)));
    ServeConfig config =
        ServeConfig.from(
            Map.ofEntries(
                Map.entry("STATEGUARD_HOST", "127.0.0.1"),
                Map.entry("STATEGUARD_PORT", "0"),
                Map.entry("STATEGUARD_INSTANCES", "1"),
                Map.entry("STATEGUARD_WATCH_INTERVAL", "100ms"),
                Map.entry("STATEGUARD_SHUTDOWN_GRACE", "1s"),
                Map.entry("STATEGUARD_AUDIT_FILE", work.resolve("audit.jsonl").toString()),
                Map.entry("STATEGUARD_CERTS_MODE", "self"),
                Map.entry("STATEGUARD_CERTS_NAMESPACE", NAMESPACE),
                Map.entry("STATEGUARD_CERTS_SERVICE", SERVICE),
                Map.entry("STATEGUARD_CERTS_SECRET", "sg-stateguard-tls"),
                Map.entry("STATEGUARD_CERTS_VALIDATING_WEBHOOK", WEBHOOKS),
                Map.entry("STATEGUARD_CERTS_MUTATING_WEBHOOK", WEBHOOKS),
                Map.entry("STATEGUARD_CERTS_DIR", work.resolve("tls").toString()),
                Map.entry("STATEGUARD_CERTS_CHECK_INTERVAL", "1s")));

    // When serve starts in self mode
    try (SelfCertificates self = SelfCertificates.start(config, client, clock);
        Webhook webhook =
            Webhook.start(
                self.config(),
                PolicySources.bundled(),
                Rules.all(),
                Mutations.all(),
                ClusterView.empty(),
                OutputStream.nullOutputStream())) {
      String caBundle =
          client
              .admissionRegistration()
              .v1()
              .validatingWebhookConfigurations()
              .withName(WEBHOOKS)
              .get()
              .getWebhooks()
              .get(0)
              .getClientConfig()
              .getCaBundle();
      Vertx vertx = Vertx.vertx();
      try {
        HttpClient https =
            vertx.createHttpClient(
                new HttpClientOptions()
                    .setSsl(true)
                    .setVerifyHost(true)
                    .setKeepAlive(false)
                    .setTrustOptions(
                        new PemTrustOptions()
                            .addCertValue(Buffer.buffer(Base64.getDecoder().decode(caBundle)))));
        String host = SERVICE + "." + NAMESPACE + ".svc";

        // Then the API server's view of it (the caBundle, the Service name) accepts it
        Answer first = get(https, webhook.port(), host, "/readyz");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.fingerprint()).isEqualTo(webhook.certificateFingerprint());

        // When the clock reaches the renewal window
        clock.set(Instant.now());

        // Then the server reloads the renewed certificate, and the caBundle still trusts it
        await(() -> !webhook.certificateFingerprint().equals(first.fingerprint()));
        Answer renewed = get(https, webhook.port(), host, "/healthz");
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(renewed.fingerprint())
            .isEqualTo(webhook.certificateFingerprint())
            .isNotEqualTo(first.fingerprint());
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private void installWebhookConfigurations() {
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOKS)
                .endMetadata()
                .addNewWebhook()
                .withName("validate.stateguard.io")
                .withNewClientConfig()
                .withNewService()
                .withName(SERVICE)
                .withNamespace(NAMESPACE)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(WEBHOOKS)
                .endMetadata()
                .addNewWebhook()
                .withName("mutate.stateguard.io")
                .withNewClientConfig()
                .withNewService()
                .withName(SERVICE)
                .withNamespace(NAMESPACE)
                .withPath("/mutate")
                .endService()
                .endClientConfig()
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .endWebhook()
                .build())
        .create();
  }

  private record Answer(int status, String fingerprint) {}

  private static Answer get(HttpClient client, int port, String host, String path)
      throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
            .setHost(host)
            .setPort(port)
            .setURI(path)
            .setTimeout(10_000);
    Future<Answer> answer =
        client.request(options).compose(req -> req.send().compose(SelfCertificatesIT::answer));
    return answer.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Future<Answer> answer(HttpClientResponse response) {
    try {
      byte[] leaf = response.request().connection().peerCertificates().get(0).getEncoded();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf);
      String fingerprint = "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
      return response.body().map(b -> new Answer(response.statusCode(), fingerprint));
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
