package io.stateguard.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Creates topics and reads every record of a topic, for the Kafka tests. */
public final class TopicReader {

  /** One record as the tests look at it. */
  public record Received(
      String key, String value, int partition, long offset, String contentType) {}

  private TopicReader() {}

  public static void create(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Reads from the beginning until {@code enough} says so or {@code timeout} passes. */
  public static List<Received> readAll(
      String bootstrap,
      String topic,
      Duration timeout,
      java.util.function.Predicate<List<Received>> enough) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<Received> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!enough.test(received) && System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header type = r.headers().lastHeader("content-type");
          received.add(
              new Received(
                  r.key(),
                  new String(r.value(), StandardCharsets.UTF_8),
                  r.partition(),
                  r.offset(),
                  type == null ? null : new String(type.value(), StandardCharsets.UTF_8)));
        }
      }
    }
    return received;
  }

  /** The event id of each record. */
  public static List<String> ids(List<Received> records) {
    List<String> ids = new ArrayList<>();
    for (Received r : records) {
      try {
        ids.add(EventJson.read(r.value().getBytes(StandardCharsets.UTF_8)).get("id").asText());
      } catch (java.io.IOException e) {
        throw new AssertionError("record is not JSON: " + r.value(), e);
      }
    }
    return ids;
  }

  public static boolean hasAll(List<Received> records, Set<String> ids) {
    return Set.copyOf(ids(records)).containsAll(ids);
  }
}
