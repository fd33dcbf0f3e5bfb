package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stateguard.cluster.Await;
import io.stateguard.cluster.CrudApiServer;
import io.stateguard.cluster.InformerClusterView;
import io.stateguard.cluster.TcpProxy;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real HTTPS with the informer-backed view on the mock API server (CRUD mode),
 * reached through a proxy the test can cut: {@code /readyz} waits for the caches, a StatefulSet
 * CREATE (the body a real API server sent) is judged against the Services in the cluster, and
 * {@code /metrics} shows how stale the caches are while the API server cannot be reached.
 */
class WebhookClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern STALE =
      Pattern.compile("^stateguard_cluster_cache_stale_seconds\\{resource=\"(\\w+)\",?\\} (\\S+)$");

  /** The namespace, set and Service names of the fixture's StatefulSet CREATE. */
  private static final String NS = "demo";

  private static final String SERVICE = "web";

  @TempDir Path dir;

  private CrudApiServer server;
  private KubernetesClient mock;
  private TcpProxy proxy;
  private KubernetesClient client;
  private InformerClusterView view;
  private Webhook webhook;
  private HttpsClient https;

  @BeforeEach
  void setUp() throws Exception {
    TestTls.install(1, dir);
    server = new CrudApiServer();
    mock = server.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (https != null) {
      https.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (view != null) {
      view.close();
    }
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Starts the informers through a proxy that is {@code up} or not, then the webhook on them. */
  private void startWebhook(boolean up) throws Exception {
    URI mockUrl = URI.create(mock.getConfiguration().getMasterUrl());
    proxy = new TcpProxy(mockUrl.getPort(), up);
    Config config =
        new ConfigBuilder(mock.getConfiguration())
            .withMasterUrl(mockUrl.getScheme() + "://" + mockUrl.getHost() + ":" + proxy.port())
            .withRequestRetryBackoffLimit(0)
            .withRequestRetryBackoffInterval(50)
            .withWatchReconnectInterval(100)
            .withWatchReconnectLimit(-1)
            .withConnectionTimeout(2_000)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    view = InformerClusterView.start(client, Clock.systemUTC(), Duration.ofSeconds(1));
    ServeConfig serve =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_HOST", "127.0.0.1",
                    "STATEGUARD_PORT", "0",
                    "STATEGUARD_AUDIT_FILE", dir.resolve("audit.jsonl").toString(),
                    "STATEGUARD_INSTANCES", "1",
                    "STATEGUARD_SHUTDOWN_GRACE", "1s"))
            .withCertificateFiles(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    webhook =
        Webhook.start(
            serve,
            Path.of(WebhookClusterIT.class.getResource("/WebhookClusterIT/policy.yaml").toURI()),
            Rules.all().stream().filter(r -> r.id().equals("headless-service")).toList(),
            Mutations.all(),
            view,
            OutputStream.nullOutputStream());
    https = new HttpsClient(webhook.port());
  }

  private void createService() {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName(SERVICE)
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .withClusterIP("None")
            .addToSelector("app", "web")
            .addNewPort()
            .withName("db")
            .withPort(5432)
            .endPort()
            .endSpec()
            .build();
    mock.resource(service).create();
  }

  /** The API server's StatefulSet CREATE of {@code demo/web} (serviceName: web), as a review. */
  private JsonNode reviewCreate() throws Exception {
    HttpsClient.Reply reply =
        https.review("/validate", ApiServerFixtures.body("statefulset-create.json"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return JSON.readTree(reply.body()).path("response");
  }

  private static boolean deniedByHeadlessService(JsonNode response) {
    return !response.path("allowed").asBoolean()
        && response.at("/status/message").asText().contains("headless-service");
  }

  private Map<String, Double> staleSeconds() throws Exception {
    HttpsClient.Reply reply = https.get("/metrics");
    assertThat(reply.status()).isEqualTo(200);
    Map<String, Double> stale = new java.util.TreeMap<>();
    for (String line : reply.body().lines().toList()) {
      Matcher m = STALE.matcher(line);
      if (m.matches()) {
        stale.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return stale;
  }

  private static <T> T unchecked(ThrowingSupplier<T> s) {
    try {
      return s.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  @Test
  void isNotReadyUntilTheCachesSyncThenJudgesAgainstTheServicesInTheCluster() throws Exception {
    // Given a cluster with the headless Service the fixture's set names, an API server that
    // cannot be reached yet, and the webhook started on the informers
    createService();
    startWebhook(false);

    // Then /readyz says not ready and which caches have not synced from where
    HttpsClient.Reply notReady = https.get("/readyz");
    assertThat(notReady.status()).isEqualTo(503);
    assertThat(notReady.body())
        .startsWith("not ready\n")
        .contains("cluster: not synced from " + view.server() + ": ")
        .contains("services", "statefulsets", "pods");

    // When the API server can be reached
    proxy.up();

    // Then the webhook becomes ready
    Await.until("/readyz ready", WAIT, () -> unchecked(() -> https.get("/readyz")).status() == 200);
    assertThat(https.get("/readyz").body()).contains("cluster: ok\n");
    Await.until(
        "every cache current on /readyz",
        WAIT,
        () -> unchecked(() -> https.get("/readyz")).body().contains("cluster-caches: ok\n"));

    // And the CREATE is allowed: the Service exists and is headless
    JsonNode allowed = reviewCreate();
    assertThat(allowed.path("allowed").asBoolean()).as(allowed.toString()).isTrue();
    assertThat(allowed.toString()).doesNotContain("headless-service");

    // When the Service is deleted in the cluster
    mock.services().inNamespace(NS).withName(SERVICE).delete();

    // Then the same CREATE is denied by headless-service, naming the missing Service
    Await.until(
        "a denial by headless-service",
        WAIT,
        () -> deniedByHeadlessService(unchecked(this::reviewCreate)));
    JsonNode denied = reviewCreate();
    assertThat(denied.at("/status/code").asInt()).isEqualTo(403);
    assertThat(denied.at("/status/message").asText())
        .contains("names service demo/web in spec.serviceName, but no such service exists");

    // And once it exists again, the CREATE is allowed again
    createService();
    Await.until(
        "the CREATE allowed again",
        WAIT,
        () -> unchecked(this::reviewCreate).path("allowed").asBoolean());
  }

  @Test
  void metricsShowHowStaleTheCachesAreWhileTheApiServerIsUnreachable() throws Exception {
    // Given a ready webhook on synced caches
    createService();
    startWebhook(true);
    Await.until("/readyz ready", WAIT, () -> unchecked(() -> https.get("/readyz")).status() == 200);
    Await.until(
        "every cache current",
        WAIT,
        () -> unchecked(this::staleSeconds).values().stream().allMatch(v -> v == 0.0));
    assertThat(staleSeconds())
        .containsOnlyKeys(
            "statefulsets", "poddisruptionbudgets", "services", "storageclasses", "pods");

    // When the API server becomes unreachable
    proxy.down();

    // Then every cache's staleness grows past a second on /metrics
    Await.until(
        "every cache stale for more than a second",
        WAIT,
        () -> unchecked(this::staleSeconds).values().stream().allMatch(v -> v >= 1.0));
    // And the webhook stays ready, says the caches are stale, and still judges from them
    HttpsClient.Reply ready = https.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("cluster: ok\n").contains("services: stale for ");
    assertThat(reviewCreate().path("allowed").asBoolean()).isTrue();

    // When it is back, the staleness returns to 0
    proxy.up();
    Await.until(
        "every cache current again",
        WAIT,
        () -> unchecked(this::staleSeconds).values().stream().allMatch(v -> v == 0.0));
    List<String> synced = new ArrayList<>();
    for (String line : https.get("/metrics").body().lines().toList()) {
      if (line.startsWith("stateguard_cluster_cache_synced{")) {
        synced.add(line);
      }
    }
    assertThat(synced).hasSize(5).allSatisfy(l -> assertThat(l).endsWith(" 1.0"));
  }
}
