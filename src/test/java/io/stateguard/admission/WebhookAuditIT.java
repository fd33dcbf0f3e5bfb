package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real HTTPS with the default audit sink, the JSON-lines file: every decision of
 * {@code /validate} and {@code /mutate} becomes one event carrying what the response carried, the
 * file is flushed when the webhook stops, and with sync durability the event is in the file before
 * its response arrives.
 */
class WebhookAuditIT {

  @TempDir Path dir;

  @Test
  void everyDecisionOfBothEndpointsBecomesOneEventInTheFile() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Webhook webhook =
        AuditedReviews.start(
            dir,
            Map.of(
                "STATEGUARD_AUDIT_FILE", file.toString(),
                "STATEGUARD_AUDIT_CLUSTER", "test-cluster",
                "STATEGUARD_AUDIT_REPLICA", "replica-0"));
    List<String> uids = new ArrayList<>();
    JsonNode validated;
    JsonNode mutated;
    String readyz;
    String metrics;
    try (HttpsClient client = new HttpsClient(webhook.port())) {
      // Given allowed, denied, dry-run and mutated requests
      String[][] calls = {
        {"/validate", "statefulset-create.json"},
        {"/validate", "statefulset-create-denied.json"},
        {"/validate", "pod-delete.json"},
        {"/mutate", "statefulset-create.json"},
        {"/validate", "pdb-create.json"},
      };
      validated = null;
      mutated = null;
      for (int round = 0; round < 4; round++) {
        for (String[] call : calls) {
          String uid = UUID.randomUUID().toString();
          uids.add(uid);
          HttpsClient.Reply reply = client.review(call[0], AuditedReviews.withUid(call[1], uid));
          assertThat(reply.status()).isEqualTo(200);
          JsonNode response = AuditedReviews.JSON.readTree(reply.body()).get("response");
          if (round == 0 && call[1].equals("statefulset-create.json")) {
            if (call[0].equals("/validate")) {
              validated = response;
            } else {
              mutated = response;
            }
          }
        }
      }
      readyz = client.get("/readyz").body();
      metrics = client.get("/metrics").body();
    } finally {
      // When: the webhook stops, the audit log is flushed
      webhook.close();
    }

    // Then one event per decision, with the request uids, in order
    List<JsonNode> events = AuditedReviews.events(file);
    assertThat(events).extracting(e -> e.get("id").asText()).containsExactlyElementsOf(uids);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.get("source").asText()).isEqualTo("/stateguard/test-cluster/replica-0");
              assertThat(e.get("type").asText()).isEqualTo("io.stateguard.admission.decision.v1");
              assertThat(e.at("/data/latencyMicros").asLong()).isNotNegative();
            });
    JsonNode validateEvent = events.get(0);
    assertThat(validateEvent.at("/data/origin").asText()).isEqualTo("validate");
    assertThat(validateEvent.at("/data/allowed").asBoolean()).isTrue();
    assertThat(validateEvent.at("/data/warnings")).isEqualTo(validated.get("warnings"));
    assertThat(validateEvent.at("/data/warnings")).isNotEmpty();
    assertThat(validateEvent.get("subject").asText()).isEqualTo("apps/v1/StatefulSet/demo/web");
    JsonNode deniedEvent = events.get(1);
    assertThat(deniedEvent.at("/data/allowed").asBoolean()).isFalse();
    assertThat(deniedEvent.at("/data/findings"))
        .extracting(f -> f.get("rule").asText())
        .contains("readiness-probe", "termination-grace-period");
    JsonNode mutateEvent = events.get(3);
    assertThat(mutateEvent.at("/data/origin").asText()).isEqualTo("mutate");
    JsonNode sentPatch =
        AuditedReviews.JSON.readTree(
            java.util.Base64.getDecoder().decode(mutated.get("patch").asText()));
    assertThat(mutateEvent.at("/data/patch")).isEqualTo(sentPatch);
    // and the stream's state and meters are on /readyz and /metrics
    assertThat(readyz).startsWith("ready\n").contains("audit: ok");
    assertThat(metrics).contains("stateguard_audit_events_total{");
  }

  @Test
  void withSyncDurabilityTheEventIsInTheFileWhenTheResponseArrives() throws Exception {
    Path file = dir.resolve("sync.jsonl");
    Webhook webhook =
        AuditedReviews.start(
            dir,
            Map.of(
                "STATEGUARD_AUDIT_FILE", file.toString(), "STATEGUARD_AUDIT_DURABILITY", "sync"));
    try (HttpsClient client = new HttpsClient(webhook.port())) {
      for (int i = 0; i < 30; i++) {
        // Given a decision answered with sync durability
        String uid = "sync-" + i;
        String endpoint = i % 2 == 0 ? "/validate" : "/mutate";
        HttpsClient.Reply reply =
            client.review(endpoint, AuditedReviews.withUid("statefulset-create.json", uid));
        assertThat(reply.status()).isEqualTo(200);

        // Then its event is already in the file, before anything else happens
        List<JsonNode> events = AuditedReviews.events(file);
        assertThat(events).hasSize(i + 1);
        assertThat(events.get(i).get("id").asText()).isEqualTo(uid);
      }
    } finally {
      webhook.close();
    }
  }
}
