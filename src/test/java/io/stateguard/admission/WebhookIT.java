package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook over real HTTPS on a real socket: the API server's bodies, the bad inputs a client
 * can send, health, readiness and metrics. The client trusts only the test CA and checks the
 * certificate against a SAN while connecting to 127.0.0.1.
 */
class WebhookIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path certs;

  private static Webhook webhook;
  private static HttpsClient client;

  @BeforeAll
  static void start() throws Exception {
    TestTls.install(1, certs);
    ServeConfig config =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_HOST", "127.0.0.1",
                    "STATEGUARD_PORT", "0",
                    "STATEGUARD_AUDIT_FILE", certs.resolve("audit.jsonl").toString(),
                    "STATEGUARD_INSTANCES", "2",
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
    client = new HttpsClient(webhook.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (webhook != null) {
      webhook.close();
    }
  }

  static List<String> fixtures() {
    return ApiServerFixtures.names();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void answersEachApiServerFixtureOverHttps(String name) throws Exception {
    ApiServerFixtures.Expected expected = ApiServerFixtures.EXPECTED.get(name);

    HttpsClient.Reply reply = client.review("/validate?timeout=5s", ApiServerFixtures.body(name));

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().get("content-type")).isEqualTo("application/json");
    JsonNode review = JSON.readTree(reply.body());
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    JsonNode response = review.path("response");
    assertThat(response.path("uid").asText()).isEqualTo(ApiServerFixtures.uid(name));
    assertThat(response.path("allowed").asBoolean()).isEqualTo(expected.allowed());
    if (!expected.allowed()) {
      assertThat(response.at("/status/code").asInt()).isEqualTo(403);
      assertThat(ProcessReviewTest.ruleIds(response.at("/status/message").asText()))
          .isEqualTo(expected.denying());
    } else {
      assertThat(response.has("status")).isFalse();
    }
    List<String> warnings = new ArrayList<>();
    response.path("warnings").forEach(w -> warnings.add(w.asText()));
    assertThat(ProcessReviewTest.ruleIds(String.join("\n", warnings)))
        .isEqualTo(expected.warning());
  }

  @Test
  void answersADryRunLikeTheRealRequest() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create-denied.json");
    ((ObjectNode) review.get("request")).put("dryRun", true);

    HttpsClient.Reply dryRun = client.review("/validate", ApiServerFixtures.bytes(review));
    HttpsClient.Reply real =
        client.review("/validate", ApiServerFixtures.body("statefulset-create-denied.json"));

    assertThat(JSON.readTree(dryRun.body()).path("response"))
        .isEqualTo(JSON.readTree(real.body()).path("response"));
  }

  @Test
  void decidesAReviewLargerThanTheInlineLimitLikeASmallOne() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create-denied.json");
    ((ObjectNode) review.at("/request/object/metadata/annotations"))
        .put("example.com/large", "x".repeat(AdmissionHandler.INLINE_LIMIT * 3));
    byte[] body = ApiServerFixtures.bytes(review);
    assertThat(body.length).isGreaterThan(AdmissionHandler.INLINE_LIMIT);

    HttpsClient.Reply large = client.review("/validate", body);
    HttpsClient.Reply small =
        client.review("/validate", ApiServerFixtures.body("statefulset-create-denied.json"));

    assertThat(large.status()).isEqualTo(200);
    assertThat(JSON.readTree(large.body()).path("response"))
        .isEqualTo(JSON.readTree(small.body()).path("response"));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void mutateAnswersEachApiServerFixtureOverHttps(String name) throws Exception {
    ApiServerFixtures.Expected expected = ApiServerFixtures.EXPECTED.get(name);

    HttpsClient.Reply reply = client.review("/mutate?timeout=5s", ApiServerFixtures.body(name));

    assertThat(reply.status()).isEqualTo(200);
    JsonNode response = JSON.readTree(reply.body()).path("response");
    assertThat(response.path("uid").asText()).isEqualTo(ApiServerFixtures.uid(name));
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).as("patched").isEqualTo(expected.patched());
    if (expected.patched()) {
      assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
      String patch =
          new String(
              java.util.Base64.getDecoder().decode(response.path("patch").asText()),
              StandardCharsets.UTF_8);
      assertThat(JSON.readTree(patch).isArray()).isTrue();
      assertThat(patch).contains("/spec/template/spec/affinity");
    }
  }

  @Test
  void servesTls13ToAClientThatVerifiesTheHostName() throws Exception {
    HttpsClient.Reply reply = client.get("/healthz");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.protocol()).isEqualTo("TLSv1.3");
    assertThat(reply.certificateFingerprint()).isEqualTo(webhook.certificateFingerprint());
  }

  @Test
  void servesTls12ToAClientThatOffersNothingNewer() throws Exception {
    try (HttpsClient tls12 =
        new HttpsClient(webhook.port(), TestTls.SAN_HOST, TestTls.ca(), true, Set.of("TLSv1.2"))) {
      HttpsClient.Reply reply =
          tls12.review("/validate", ApiServerFixtures.body("statefulset-create.json"));

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.protocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void refusesAClientThatExpectsAnotherHostName() throws Exception {
    try (HttpsClient other =
        new HttpsClient(webhook.port(), "elsewhere.example", TestTls.ca(), true)) {
      assertThatThrownBy(() -> other.get("/healthz"))
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .hasMessageContaining("elsewhere.example");
    }
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpsClient.Reply reply = client.get("/validate");

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers().get("allow")).isEqualTo("POST");
    assertThat(reply.body())
        .contains("GET /validate: method not allowed")
        .contains("POSTs an AdmissionReview");
  }

  @Test
  void postToHealthIs405() throws Exception {
    HttpsClient.Reply reply = client.post("/healthz", "application/json", new byte[] {'{', '}'});

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.headers().get("allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpsClient.Reply reply =
        client.post("/validate", "text/yaml", ApiServerFixtures.body("statefulset-create.json"));

    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.body())
        .contains("content type \"text/yaml\" is not supported")
        .contains("application/json");
  }

  @Test
  void missingContentTypeIs415() throws Exception {
    HttpsClient.Reply reply =
        client.post("/validate", null, ApiServerFixtures.body("statefulset-create.json"));

    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.body()).contains("no content type");
  }

  @Test
  void jsonWithCharsetIsAccepted() throws Exception {
    HttpsClient.Reply reply =
        client.post(
            "/validate",
            "application/json; charset=utf-8",
            ApiServerFixtures.body("pdb-create.json"));

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void bodyOverThreeMebibytesIs413() throws Exception {
    byte[] body = new byte[(int) ServeConfig.DEFAULT_BODY_LIMIT + 1];
    Arrays.fill(body, (byte) ' ');

    HttpsClient.Reply reply = client.review("/validate", body);

    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.body()).contains("larger than the limit of 3145728 bytes");
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    HttpClientRequest request =
        HttpsClient.await(client.raw().request(client.options(HttpMethod.POST, "/validate")));
    request.putHeader("content-type", "application/json").setChunked(true);
    var response = request.response();
    // 4 MiB in 64 KiB chunks; the server answers as soon as the limit is passed.
    for (int i = 0; i < 64 && !response.isComplete(); i++) {
      request.write(Buffer.buffer(chunk));
    }
    request.end();

    assertThat(HttpsClient.await(response).statusCode()).isEqualTo(413);
  }

  @Test
  void bodyAtTheLimitIsRead() throws Exception {
    // The limit is on size, not shape: a body of exactly 3 MiB is read and judged as JSON.
    byte[] body = new byte[(int) ServeConfig.DEFAULT_BODY_LIMIT];
    Arrays.fill(body, (byte) ' ');
    body[0] = '[';
    body[body.length - 1] = ']';

    HttpsClient.Reply reply = client.review("/validate", body);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("a JSON array, not an AdmissionReview object");
  }

  @Test
  void malformedJsonIs400WithWhere() throws Exception {
    HttpsClient.Reply reply =
        client.review("/validate", "{\"kind\": \"AdmissionReview\",".getBytes(UTF8));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.headers().get("content-type")).startsWith("text/plain");
    assertThat(reply.body()).contains("the request body is not valid JSON").contains("line 1");
  }

  @Test
  void emptyBodyIs400() throws Exception {
    HttpsClient.Reply reply = client.review("/validate", new byte[0]);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("the request body is empty");
  }

  @Test
  void reviewWithoutRequestIs400() throws Exception {
    HttpsClient.Reply reply =
        client.review(
            "/validate",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}".getBytes(UTF8));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("request is missing");
  }

  @Test
  void v1beta1ReviewIs400SayingWhatIsSupported() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    review.put("apiVersion", "admission.k8s.io/v1beta1");

    HttpsClient.Reply reply = client.review("/validate", ApiServerFixtures.bytes(review));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body())
        .contains("AdmissionReview admission.k8s.io/v1beta1 is not supported")
        .contains("admissionReviewVersions: [\"v1\"]");
  }

  @Test
  void deeplyNestedJsonIs400NotACrash() throws Exception {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    HttpsClient.Reply reply = client.review("/validate", deep.getBytes(UTF8));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).contains("nesting depth");
    assertThat(client.get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void unknownPathIs404NamingTheEndpoints() throws Exception {
    HttpsClient.Reply reply = client.get("/admit");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.body()).contains("/admit: no such endpoint").contains("POST /validate");
  }

  @Test
  void healthAndReadiness() throws Exception {
    HttpsClient.Reply health = client.get("/healthz");
    HttpsClient.Reply ready = client.get("/readyz");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).startsWith("ready\n").contains("certificates: ok", "policies: ok");
  }

  @Test
  void metricsCountRequestsDecisionsAndLatency() throws Exception {
    client.review("/validate", ApiServerFixtures.body("statefulset-create-denied.json"));
    client.review("/validate", ApiServerFixtures.body("pod-delete.json"));
    client.review("/validate", "not json".getBytes(UTF8));

    HttpsClient.Reply reply = client.get("/metrics");

    assertThat(reply.status()).isEqualTo(200);
    List<String> lines = reply.body().lines().toList();
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("stateguard_http_requests_total{")
                    && l.contains("code=\"200\"")
                    && l.contains("endpoint=\"validate\""))
        .anyMatch(
            l ->
                l.startsWith("stateguard_http_requests_total{")
                    && l.contains("code=\"400\"")
                    && l.contains("endpoint=\"validate\""))
        .anyMatch(
            l ->
                l.startsWith("stateguard_http_request_duration_seconds_bucket{")
                    && l.contains("endpoint=\"validate\""))
        .anyMatch(
            l ->
                l.startsWith("stateguard_admission_reviews_total{")
                    && l.contains("decision=\"denied\"")
                    && l.contains("kind=\"StatefulSet\"")
                    && l.contains("operation=\"CREATE\""))
        .anyMatch(
            l ->
                l.startsWith("stateguard_admission_reviews_total{")
                    && l.contains("decision=\"not_covered\"")
                    && l.contains("kind=\"Pod\"")
                    && l.contains("operation=\"DELETE\""))
        .anyMatch(
            l ->
                l.startsWith("stateguard_admission_findings_total{")
                    && l.contains("rule=\"readiness-probe\"")
                    && l.contains("mode=\"enforce\"")
                    && l.contains("decision=\"denied\""))
        .anyMatch(l -> l.startsWith("stateguard_policy_reloads_total{result=\"failure\"} 0.0"))
        .anyMatch(l -> l.startsWith("stateguard_certificate_reloads_total{"))
        .noneMatch(l -> l.startsWith("vertx_http_server_requests_total"))
        .anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"));
  }

  @Test
  void aClientSendingGarbageDoesNotStopOthers() throws Exception {
    Set<String> bodies =
        Set.of("", "null", "{}", "[1,2", "\u0000\u0001", "{\"request\":{}}", "\"x\"");
    for (String body : bodies) {
      HttpsClient.Reply reply = client.review("/validate", body.getBytes(UTF8));
      assertThat(reply.status()).as(body).isEqualTo(400);
    }

    HttpsClient.Reply reply =
        client.review("/validate", ApiServerFixtures.body("statefulset-create.json"));

    assertThat(reply.status()).isEqualTo(200);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
