package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.stateguard.admission.ServeConfig;
import io.stateguard.admission.Webhook;
import io.stateguard.certs.CertificateAuthority;
import io.stateguard.certs.SubjectNames;
import io.stateguard.certs.TlsMaterial;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered chart against a running serve: a webhook started with the pods' STATEGUARD_*
 * settings, the policies ConfigMap as its folder, and a certificate issued for the names of the
 * chart's cert-manager Certificate. Its probes answer on the paths the Deployment probes, and each
 * webhook path the configurations register answers an API server's review, over TLS checked for the
 * name the API server calls ({@code SERVICE.NAMESPACE.svc}).
 */
class ChartServeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DENIED =
      Path.of("src/test/resources/ApiServerFixtures/statefulset-create-denied.json");

  @TempDir Path work;
  private Vertx vertx;
  private HttpClient client;
  private Webhook webhook;
  private String serviceHost;

  /** The audit stream's standard output. */
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (webhook != null) {
      webhook.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void probesAndWebhookPathsAnswerWithTheDefaultValues() throws Exception {
    // Given
    Rendered rendered = Chart.render(Chart.valueSet("default"));
    start(rendered);
    Container container = ChartWorkloadIT.podSpec(rendered).getContainers().get(0);

    // Then every probe's path answers 200 over HTTPS
    for (Probe probe :
        List.of(
            container.getStartupProbe(),
            container.getLivenessProbe(),
            container.getReadinessProbe())) {
      assertThat(get(probe.getHttpGet().getPath()))
          .as("GET %s", probe.getHttpGet().getPath())
          .isEqualTo(200);
    }
    // And every registered webhook path answers the review; validation enforces the shipped
    // policies (the fixture is a StatefulSet whose claim template nothing mounts)
    for (ServiceReference service : webhookServices(rendered)) {
      JsonNode response = review(service.getPath());
      assertThat(response.path("uid").asText()).isEqualTo(uid());
      if (service.getPath().equals("/validate")) {
        assertThat(response.path("allowed").asBoolean()).as("allowed by /validate").isFalse();
      } else {
        assertThat(response.path("allowed").asBoolean()).as("allowed by /mutate").isTrue();
      }
    }
    // And each decision is an audit event on standard output, where the chart sends them
    assertThat(awaitAuditEvents(webhookServices(rendered).size()))
        .allSatisfy(e -> assertThat(e.path("id").asText()).isEqualTo(uid()));
  }

  /** The audit events on standard output, once there are {@code count}; fails after 20 s. */
  private List<JsonNode> awaitAuditEvents(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      List<JsonNode> events = new ArrayList<>();
      for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
      if (events.size() >= count || System.nanoTime() > deadline) {
        assertThat(events).as("audit events on standard output").hasSize(count);
        return events;
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void rolloutValuesLetTheSameStatefulSetThroughWithoutAWarning() throws Exception {
    // Given the values the README's rollout starts with
    Rendered rendered = Chart.render(Chart.valueSet("rollout-audit.yaml"));
    start(rendered);

    // When
    JsonNode response = review("/validate");

    // Then every finding is only recorded
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings")).as("warnings").isEmpty();
  }

  @Test
  void mutationValuesPatchAStatefulSetTheirPolicyMatches() throws Exception {
    // Given the values that turn mutations on for databases, and a database's StatefulSet
    Rendered rendered = Chart.render(Chart.valueSet("mutations.yaml"));
    start(rendered);
    ObjectNode review = (ObjectNode) JSON.readTree(Files.readAllBytes(DENIED));
    ((ObjectNode) review.at("/request/object/metadata/labels"))
        .put("stateguard.io/class", "database");

    // When
    JsonNode response = review("/mutate", JSON.writeValueAsBytes(review));

    // Then the mutating webhook the chart registers adds the anti-affinity the set lacks
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    assertThat(patch.findValuesAsText("path")).contains("/spec/template/spec/affinity");
  }

  /** Starts serve as the pods would, with files in place of the volumes. */
  private void start(Rendered rendered) throws Exception {
    Container container = ChartWorkloadIT.podSpec(rendered).getContainers().get(0);
    ServiceReference service = webhookServices(rendered).get(0);
    serviceHost = service.getName() + "." + service.getNamespace() + ".svc";

    // The certificate cert-manager would issue from the chart's Certificate
    GenericKubernetesResource certificate = rendered.generic("Certificate").get(0);
    List<String> dnsNames = new ArrayList<>();
    JSON.valueToTree(certificate).at("/spec/dnsNames").forEach(n -> dnsNames.add(n.asText()));
    CertificateAuthority ca = CertificateAuthority.generate(Clock.systemUTC());
    TlsMaterial tls =
        ca.issue(new SubjectNames(dnsNames, List.of()), Duration.ofDays(1), Clock.systemUTC());
    Path tlsDir = Files.createDirectories(work.resolve("tls"));
    Files.writeString(tlsDir.resolve("tls.crt"), tls.chainPem());
    Files.writeString(tlsDir.resolve("tls.key"), tls.privateKeyPem());
    Files.writeString(work.resolve("ca.crt"), ca.certificatePem());

    // The policies ConfigMap, as mounted
    Path policies = Files.createDirectories(work.resolve("policies"));
    for (Map.Entry<String, String> file : rendered.one(ConfigMap.class).getData().entrySet()) {
      Files.writeString(policies.resolve(file.getKey()), file.getValue());
    }

    // The pod's settings, with local files for the mounted ones and a free port on loopback
    Map<String, String> settings = ChartWorkloadIT.serveSettings(container);
    settings.put("STATEGUARD_TLS_CERT", tlsDir.resolve("tls.crt").toString());
    settings.put("STATEGUARD_TLS_KEY", tlsDir.resolve("tls.key").toString());
    settings.put("STATEGUARD_POLICIES", policies.toString());
    settings.put("STATEGUARD_HOST", "127.0.0.1");
    settings.put("STATEGUARD_PORT", "0");
    settings.put("STATEGUARD_INSTANCES", "1");
    ServeConfig config = ServeConfig.from(settings);
    webhook =
        Webhook.start(config, policies, Rules.all(), Mutations.all(), ClusterView.empty(), stdout);

    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(
                    new PemTrustOptions().addCertPath(work.resolve("ca.crt").toString())));
  }

  private static List<ServiceReference> webhookServices(Rendered rendered) {
    return Stream.concat(
            rendered.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
                .map(w -> w.getClientConfig().getService()),
            rendered.optional(MutatingWebhookConfiguration.class).stream()
                .flatMap(m -> m.getWebhooks().stream())
                .map(w -> w.getClientConfig().getService()))
        .toList();
  }

  private RequestOptions request(HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(webhook.port(), "127.0.0.1"))
        .setHost(serviceHost)
        .setPort(webhook.port())
        .setURI(path)
        .setTimeout(10_000);
  }

  private int get(String path) throws Exception {
    return client
        .request(request(HttpMethod.GET, path))
        .compose(req -> req.send())
        .map(r -> r.statusCode())
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  private JsonNode review(String path) throws Exception {
    return review(path, Files.readAllBytes(DENIED));
  }

  private JsonNode review(String path, byte[] body) throws Exception {
    String answer =
        client
            .request(request(HttpMethod.POST, path))
            .compose(
                req ->
                    req.putHeader("content-type", "application/json")
                        .send(Buffer.buffer(body))
                        .compose(
                            r -> {
                              assertThat(r.statusCode()).as("POST %s", path).isEqualTo(200);
                              return r.body();
                            }))
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS)
            .toString();
    return JSON.readTree(answer).path("response");
  }

  private static String uid() throws Exception {
    return JSON.readTree(Files.readAllBytes(DENIED)).at("/request/uid").asText();
  }
}
