package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.audit.InJvmKafka;
import io.stateguard.audit.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import kafka.testkit.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook over real HTTPS with the Kafka audit sink and a real KRaft broker: N reviews give N
 * events on the topic, with the request uids as ids, keyed {@code namespace/name}, in order.
 */
class WebhookKafkaIT {

  private static KafkaClusterTestKit kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = InJvmKafka.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyReviewBecomesOneEventOnTheTopicKeyedByObject() throws Exception {
    // Given a webhook sending its audit events to Kafka
    String topic = "webhook-audit";
    TopicReader.create(kafka.bootstrapServers(), topic, 3);
    Webhook webhook =
        AuditedReviews.start(
            dir,
            Map.of(
                "STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "STATEGUARD_AUDIT_KAFKA_TOPIC", topic,
                "STATEGUARD_AUDIT_SPOOL_DIR", dir.resolve("spool").toString()));
    int n = 40;
    List<String> uids = new ArrayList<>();
    String readyz;
    try (HttpsClient client = new HttpsClient(webhook.port())) {
      // When N reviews of demo/web are decided, on both endpoints
      for (int i = 0; i < n; i++) {
        String uid = UUID.randomUUID().toString();
        uids.add(uid);
        String endpoint = i % 2 == 0 ? "/validate" : "/mutate";
        HttpsClient.Reply reply =
            client.review(endpoint, AuditedReviews.withUid("statefulset-create.json", uid));
        assertThat(reply.status()).isEqualTo(200);
      }
      readyz = client.get("/readyz").body();
    } finally {
      webhook.close();
    }

    // Then N events, one per uid, in the order decided, all under the object's key
    List<TopicReader.Received> records =
        TopicReader.readAll(
            kafka.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= n);
    assertThat(TopicReader.ids(records)).containsExactlyElementsOf(uids);
    assertThat(records).extracting(TopicReader.Received::key).containsOnly("demo/web");
    assertThat(readyz).startsWith("ready\n").contains("audit: ");
  }
}
