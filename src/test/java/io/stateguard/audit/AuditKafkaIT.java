package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log against a real KRaft broker running in this JVM (Kafka's own test kit): delivery,
 * order per key, replay of a spool left by an earlier run, and bad Kafka settings.
 */
class AuditKafkaIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private static KafkaClusterTestKit cluster;
  private static Vertx vertx;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    cluster = InJvmKafka.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String newTopic(int partitions) throws Exception {
    String topic = "audit-" + TOPICS.incrementAndGet();
    TopicReader.create(cluster.bootstrapServers(), topic, partitions);
    return topic;
  }

  private Map<String, String> settings(String bootstrap, String topic) {
    Map<String, String> s = new HashMap<>();
    s.put("audit.kafka.bootstrap.servers", bootstrap);
    s.put("audit.kafka.topic", topic);
    s.put("audit.spool.dir", dir.resolve("spool").toString());
    s.put("audit.spool.flush-interval", "50ms");
    s.put("audit.cluster", "it");
    s.put("audit.replica", "replica-0");
    // A loaded machine can keep the broker slow for seconds; close must wait for delivery here.
    s.put("audit.close-timeout", "60s");
    return s;
  }

  private static AuditLog start(Map<String, String> settings, SimpleMeterRegistry meters) {
    return AuditLog.start(
        AuditConfig.from(settings),
        vertx,
        meters,
        OutputStream.nullOutputStream(),
        Clock.systemUTC());
  }

  private static void close(AuditLog log) throws Exception {
    log.close().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private long segments() throws IOException {
    Path spool = dir.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  private static Set<String> ids(int from, int to) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = from; i < to; i++) {
      ids.add("event-" + i);
    }
    return ids;
  }

  @Test
  void everyDecisionArrivesWithItsOwnIdInOrderPerKey() throws Exception {
    // Given a topic of three partitions and an audit log sending to it
    String topic = newTopic(3);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AuditLog log = start(settings(cluster.bootstrapServers(), topic), meters);

    // When 600 decisions about 7 objects are recorded
    int n = 600;
    for (int i = 0; i < n; i++) {
      log.record(TestEvents.event(i));
    }
    close(log);

    // Then the topic holds 600 events with 600 distinct ids
    List<TopicReader.Received> records =
        TopicReader.readAll(cluster.bootstrapServers(), topic, WAIT, r -> r.size() >= n);
    List<String> ids = TopicReader.ids(records);
    assertThat(ids).hasSize(n);
    assertThat(Set.copyOf(ids)).isEqualTo(ids(0, n));
    // And each object's events are in one partition, in the order they were recorded
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    Map<String, Set<Integer>> partitions = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      TopicReader.Received r = records.get(i);
      byKey
          .computeIfAbsent(r.key(), k -> new ArrayList<>())
          .add(Integer.parseInt(ids.get(i).substring("event-".length())));
      partitions.computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(r.partition());
    }
    assertThat(byKey).hasSize(7).containsKey("data/zk-0");
    byKey.forEach((key, order) -> assertThat(order).as("order of %s", key).isSorted());
    partitions.forEach((key, p) -> assertThat(p).as("partitions of %s", key).hasSize(1));
    // And each record is a structured-mode CloudEvent
    JsonNode first = EventJson.read(records.get(0).value().getBytes(StandardCharsets.UTF_8));
    assertThat(first.get("type").asText()).isEqualTo(AuditEvent.TYPE);
    assertThat(records.get(0).contentType()).isEqualTo(VertxKafkaLink.CONTENT_TYPE);
    assertThat(log.count("kafka", Outcome.DROPPED)).isZero();
    assertThat(log.count("kafka", Outcome.SENT) + log.count("kafka", Outcome.REPLAYED))
        .isGreaterThanOrEqualTo(n);
  }

  @Test
  void anEarlierRunsSpoolIsReplayedInFullOnStart() throws Exception {
    // Given a run that could not reach Kafka and closed with 100 events in its spool
    String topic = newTopic(2);
    Map<String, String> unreachable = settings("127.0.0.1:" + freePort(), topic);
    unreachable.put("audit.kafka.spool-after", "100ms");
    unreachable.put("audit.kafka.property.max.block.ms", "500");
    unreachable.put("audit.close-timeout", "500ms");
    AuditLog first = start(unreachable, new SimpleMeterRegistry());
    for (int i = 0; i < 100; i++) {
      first.record(TestEvents.event(i));
    }
    close(first);
    assertThat(segments()).as("spool segments left by the first run").isPositive();

    // When the next run starts with the broker reachable, and records ten more
    AuditLog second = start(settings(cluster.bootstrapServers(), topic), new SimpleMeterRegistry());
    for (int i = 100; i < 110; i++) {
      second.record(TestEvents.event(i));
    }
    close(second);

    // Then all 110 arrive, the spooled ones before the new ones of the same object
    List<TopicReader.Received> records =
        TopicReader.readAll(
            cluster.bootstrapServers(), topic, WAIT, r -> TopicReader.hasAll(r, ids(0, 110)));
    assertThat(Set.copyOf(TopicReader.ids(records))).isEqualTo(ids(0, 110));
    assertThat(second.count("kafka", Outcome.REPLAYED)).isGreaterThanOrEqualTo(100);
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    List<String> ids = TopicReader.ids(records);
    for (int i = 0; i < records.size(); i++) {
      byKey
          .computeIfAbsent(records.get(i).key(), k -> new ArrayList<>())
          .add(Integer.parseInt(ids.get(i).substring("event-".length())));
    }
    byKey.forEach((key, order) -> assertThat(order).as("order of %s", key).isSorted());
    assertThat(segments()).as("a drained spool keeps no segment").isZero();
  }

  @Test
  void synchronousDurabilityAnswersOnceSpooledAndStillDelivers() throws Exception {
    String topic = newTopic(1);
    Map<String, String> s = settings(cluster.bootstrapServers(), topic);
    s.put("audit.durability", "sync");
    AuditLog log = start(s, new SimpleMeterRegistry());

    List<CompletableFuture<Void>> kept = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      kept.add(log.record(TestEvents.event(i)).toCompletableFuture());
    }
    CompletableFuture.allOf(kept.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    close(log);

    List<TopicReader.Received> records =
        TopicReader.readAll(
            cluster.bootstrapServers(), topic, WAIT, r -> TopicReader.hasAll(r, ids(0, 50)));
    assertThat(TopicReader.ids(records)).containsExactlyElementsOf(ids(0, 50));
  }

  @Test
  void anUnreachableBrokerIsADegradedStateWithEventsSpooledNeverAnError() throws Exception {
    Map<String, String> s = settings("127.0.0.1:" + freePort(), "audit-unreachable");
    s.put("audit.kafka.spool-after", "100ms");
    s.put("audit.kafka.property.max.block.ms", "500");
    s.put("audit.close-timeout", "200ms");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AuditLog log = start(s, meters);

    for (int i = 0; i < 20; i++) {
      assertThat(log.record(TestEvents.event(i)).toCompletableFuture())
          .isNotCompletedExceptionally();
    }
    TestEvents.await("degraded status", WAIT, () -> log.status().degraded());
    TestEvents.await("20 spooled", WAIT, () -> log.count("kafka", Outcome.SPOOLED) >= 20);

    assertThat(log.status().problems()).singleElement().asString().startsWith("kafka: ");
    assertThat(log.status().spoolBytes()).isPositive();
    assertThat(meters.get("stateguard.audit.sink.degraded").tag("sink", "kafka").gauge().value())
        .isEqualTo(1.0);
    assertThat(log.count("kafka", Outcome.DROPPED)).isZero();
    close(log);
  }

  @Test
  void aBootstrapNameThatDoesNotResolveIsADegradedStateToo() throws Exception {
    Map<String, String> s = settings("kafka.no-such-domain.invalid:9092", "audit-unresolved");
    s.put("audit.close-timeout", "200ms");
    AuditLog log = start(s, new SimpleMeterRegistry());

    log.record(TestEvents.event(0));
    TestEvents.await("degraded status", WAIT, () -> log.status().degraded());
    TestEvents.await("spooled", WAIT, () -> log.count("kafka", Outcome.SPOOLED) >= 1);

    assertThat(log.status().problems().get(0)).contains("kafka");
    close(log);
  }
}
