package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stateguard.cluster.ClusterObjects;
import io.stateguard.cluster.InformerClusterView;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl scale} end to end: the webhook over HTTPS, under the shipped policies and every
 * rule, its cluster view the informer caches over the mock API server in CRUD mode, sent the {@code
 * statefulsets/scale} reviews the API server sends.
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleWebhookIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path BODY =
      Path.of("src/test/resources/ScaleReviewsTest/kubectl-scale-zk-to-1.json");
  private static final String NS = "data";

  static KubernetesClient client;

  @TempDir static Path dir;

  private KubernetesClient viewClient;
  private InformerClusterView view;
  private Webhook webhook;
  private HttpsClient https;
  private final Map<String, String> uids = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    // Given a cluster with zk (5 members) and kraft (3 members, a budget of minAvailable 2)
    create(ClusterObjects.statefulSet(NS, "zk", 5));
    create(ClusterObjects.statefulSet(NS, "kraft", 3));
    client.resource(ClusterObjects.pdb(NS, "kraft-pdb", "kraft", 2)).create();
    viewClient = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    view = InformerClusterView.start(viewClient, Clock.systemUTC(), Duration.ofSeconds(5));
    view.whenSynced().get(30, TimeUnit.SECONDS);
    TestTls.install(1, dir);
    ServeConfig config =
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
            config,
            Path.of("policies"),
            Rules.all(),
            Mutations.all(),
            view,
            OutputStream.nullOutputStream());
    https = new HttpsClient(webhook.port());
  }

  private void create(StatefulSet set) {
    uids.put(set.getMetadata().getName(), client.resource(set).create().getMetadata().getUid());
  }

  @AfterAll
  void stop() throws Exception {
    if (https != null) {
      https.close();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (view != null) {
      view.close();
    }
    if (viewClient != null) {
      viewClient.close();
    }
  }

  /** The API server's body for scaling set {@code name} from {@code from} to {@code to}. */
  private byte[] scale(String name, int from, int to) throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(Files.readAllBytes(BODY));
    ObjectNode request = (ObjectNode) body.get("request");
    request.put("name", name);
    request.put("uid", "uid-scale-" + name + "-" + from + "-" + to);
    for (String field : List.of("object", "oldObject")) {
      ObjectNode scale = (ObjectNode) request.get(field);
      ObjectNode meta = (ObjectNode) scale.get("metadata");
      meta.put("name", name);
      // The Scale carries the set's own uid; a set the cluster does not have has none here.
      if (uids.containsKey(name)) {
        meta.put("uid", uids.get(name));
      } else {
        meta.remove("uid");
      }
      ((ObjectNode) scale.get("spec")).put("replicas", field.equals("object") ? to : from);
      ((ObjectNode) scale.get("status")).put("selector", ClusterObjects.APP + "=" + name);
    }
    return JSON.writeValueAsBytes(body);
  }

  private JsonNode send(byte[] review) throws Exception {
    HttpsClient.Reply reply = https.review("/validate?timeout=5s", review);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return JSON.readTree(reply.body()).path("response");
  }

  @Test
  void deniesScalingAQuorumSetFrom5To1NamingScaleDown() throws Exception {
    // When kubectl scale statefulset zk --replicas=1
    JsonNode response = send(scale("zk", 5, 1));

    // Then
    assertThat(response.path("uid").asText()).isEqualTo("uid-scale-zk-5-1");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(response.path("status").path("message").asText())
        .contains("[scale-down] scaling statefulset data/zk from 5 to 1 replicas removes 4 members")
        .doesNotContain("[readiness-probe]");
  }

  @Test
  void allowsScalingFrom5To4WithoutFindingsOnTheCachedCopy() throws Exception {
    // When
    JsonNode response = send(scale("zk", 5, 4));

    // Then allowed, and no rule that needs more of the set than the cache keeps said anything
    assertThat(response.path("allowed").asBoolean()).as(response.toString()).isTrue();
    assertThat(response.path("warnings").isMissingNode() || response.path("warnings").isEmpty())
        .as("warnings: %s", response.path("warnings"))
        .isTrue();
  }

  @Test
  void reportsTheBudgetAScaleUpLeavesBelowTheNewQuorum() throws Exception {
    // When kraft goes from 3 to 5 members under its budget of minAvailable 2
    JsonNode response = send(scale("kraft", 3, 5));

    // Then pdb-quorum denies it: the quorum of 5 is 3
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText())
        .contains("[pdb-quorum] scaling statefulset data/kraft from 3 to 5 replicas")
        .contains("pdb data/kraft-pdb allows 3 of 5 members of statefulset data/kraft down");
  }

  @Test
  void allowsWithAWarningTheScaleOfASetTheCacheDoesNotHold() throws Exception {
    // When a set the caches have not seen is scaled
    JsonNode response = send(scale("ghost", 3, 0));

    // Then it is allowed, saying it was not judged and why
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("warnings")).hasSize(1);
    assertThat(response.path("warnings").get(0).asText())
        .contains("statefulset data/ghost from 3 to 0 replicas was allowed without being judged")
        .contains("cluster cache does not hold statefulset data/ghost");
    // And /metrics counts it
    HttpsClient.Reply metrics = https.get("/metrics");
    assertThat(metrics.body())
        .containsPattern(
            "stateguard_admission_scales_not_judged_total\\{[^}]*reason=\"not_found\"[^}]*} 1\\.0");
  }
}
