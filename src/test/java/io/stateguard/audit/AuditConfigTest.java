package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditConfigTest {

  private static AuditConfigException problems(Map<String, String> settings) {
    try {
      AuditConfig.from(settings);
    } catch (AuditConfigException e) {
      return e;
    }
    throw new AssertionError("expected " + settings + " to be refused");
  }

  @Test
  void withoutKafkaTheJsonLinesFileIsTheDefaultSink() {
    AuditConfig config = AuditConfig.defaults();

    assertThat(config.file()).contains(Path.of("stateguard-audit.jsonl"));
    assertThat(config.kafka()).isEmpty();
    assertThat(config.stdout()).isFalse();
    assertThat(config.durability()).isEqualTo(Durability.ASYNC);
    assertThat(config.spool().whenFull()).isEqualTo(WhenFull.REJECT_NEW);
    assertThat(config.spool().flushInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.source().uri()).isEqualTo("/stateguard/default/stateguard");
  }

  @Test
  void kafkaProducerKeepsTheGuaranteesAndPassesSecuritySettingsThrough() {
    AuditConfig config =
        AuditConfig.from(
            Map.of(
                "audit.kafka.bootstrap.servers", "kafka-0:9093,kafka-1:9093",
                "audit.kafka.topic", "security.admission",
                "audit.kafka.property.security.protocol", "SASL_SSL",
                "audit.kafka.property.sasl.mechanism", "SCRAM-SHA-512",
                "audit.kafka.property.ssl.truststore.location", "/etc/kafka/ca.p12",
                "audit.kafka.property.compression.type", "zstd",
                "audit.replica", "stateguard-0",
                "server.port", "8443"));

    AuditConfig.KafkaSettings kafka = config.kafka().orElseThrow();
    assertThat(kafka.topic()).isEqualTo("security.admission");
    assertThat(kafka.producer())
        .containsEntry("bootstrap.servers", "kafka-0:9093,kafka-1:9093")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
        .containsEntry("compression.type", "zstd")
        .containsEntry("client.id", "stateguard-audit-stateguard-0");
    assertThat(config.file()).as("with Kafka the file is off unless named").isEmpty();
  }

  @Test
  void kafkaProducerDefaultsToFewFullCompressedBatchesAndAUserSettingWins() {
    // Given Kafka with no producer settings, and Kafka with the batching set by the user
    AuditConfig defaults =
        AuditConfig.from(Map.of("audit.kafka.bootstrap.servers", "kafka-0:9092"));
    AuditConfig tuned =
        AuditConfig.from(
            Map.of(
                "audit.kafka.bootstrap.servers", "kafka-0:9092",
                "audit.kafka.property.linger.ms", "5",
                "audit.kafka.property.batch.size", "16384",
                "audit.kafka.property.compression.type", "none"));

    // Then the defaults batch for 50 ms into 64 KiB lz4 batches, and the user's values replace them
    assertThat(defaults.kafka().orElseThrow().producer())
        .containsEntry("compression.type", "lz4")
        .containsEntry("linger.ms", "50")
        .containsEntry("batch.size", "65536")
        .containsEntry("max.block.ms", "10000");
    assertThat(tuned.kafka().orElseThrow().producer())
        .containsEntry("linger.ms", "5")
        .containsEntry("batch.size", "16384")
        .containsEntry("compression.type", "none")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true");
  }

  @Test
  void unknownKafkaPropertyIsRefusedWithItsKey() {
    AuditConfigException e =
        problems(
            Map.of(
                "audit.kafka.bootstrap.servers", "kafka:9092",
                "audit.kafka.property.sasl.mechanisms", "PLAIN"));

    assertThat(e.problems())
        .containsExactly(
            "audit.kafka.property.sasl.mechanisms=PLAIN: 'sasl.mechanisms' is not a Kafka producer"
                + " property");
  }

  @Test
  void propertiesThatWouldWeakenDeliveryAreRefused() {
    AuditConfigException e =
        problems(
            Map.of(
                "audit.kafka.bootstrap.servers", "kafka:9092",
                "audit.kafka.property.acks", "1",
                "audit.kafka.property.enable.idempotence", "false",
                "audit.kafka.property.bootstrap.servers", "other:9092"));

    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("audit.kafka.property.acks=1: must be all"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("audit.kafka.property.enable.idempotence=false: must be true"))
        .anySatisfy(p -> assertThat(p).contains("use audit.kafka.bootstrap.servers"));
  }

  @Test
  void propertyValuesAreCheckedByTheKafkaClient() {
    AuditConfigException e =
        problems(
            Map.of(
                "audit.kafka.bootstrap.servers", "kafka:9092",
                "audit.kafka.property.linger.ms", "soon"));

    assertThat(e.getMessage()).contains("linger.ms").contains("soon");
  }

  @Test
  void everyBadValueIsReportedAtOnceWithKeyValueAndWhatIsAllowed() {
    Map<String, String> settings = new HashMap<>();
    settings.put("audit.durability", "always");
    settings.put("audit.spool.max-bytes", "lots");
    settings.put("audit.spool.when-full", "block");
    settings.put("audit.spool.flush-interval", "-5s");
    settings.put("audit.stdout", "yes");
    settings.put("audit.kafka.topic", "t");
    settings.put("audit.spol.dir", "/x");

    AuditConfigException e = problems(settings);

    assertThat(e.problems())
        .contains(
            "audit.durability=always: use async or sync",
            "audit.spool.when-full=block: use reject-new or drop-oldest",
            "audit.stdout=yes: use true or false",
            "audit.kafka.topic=t: needs audit.kafka.bootstrap.servers",
            "audit.spool.flush-interval=-5s: use a positive duration such as 200ms, 5s or 1m")
        .anySatisfy(p -> assertThat(p).startsWith("audit.spool.max-bytes=lots: use a size"))
        .anySatisfy(p -> assertThat(p).startsWith("audit.spol.dir=/x: unknown key; known keys:"));
  }

  @Test
  void bootstrapServersMustBeHostAndPort() {
    assertThat(problems(Map.of("audit.kafka.bootstrap.servers", "kafka")).problems())
        .singleElement()
        .asString()
        .startsWith("audit.kafka.bootstrap.servers=kafka: 'kafka' is not host:port");
  }

  @Test
  void turningTheFileOffWithNoOtherSinkIsRefused() {
    assertThat(problems(Map.of("audit.file", "off")).problems())
        .singleElement()
        .asString()
        .contains("leaves no sink");
    assertThat(AuditConfig.from(Map.of("audit.file", "off", "audit.stdout", "true")).stdout())
        .isTrue();
  }

  @Test
  void sizesAndDurationsTakeUnits() {
    AuditConfig config =
        AuditConfig.from(
            Map.of(
                "audit.spool.max-bytes", "2Gi",
                "audit.spool.segment-bytes", "64MiB",
                "audit.spool.flush-interval", "1s",
                "audit.close-timeout", "PT30S"));

    assertThat(config.spool().maxBytes()).isEqualTo(2L << 30);
    assertThat(config.spool().segmentBytes()).isEqualTo(64L << 20);
    assertThat(config.spool().flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void spoolMustHoldAtLeastTwoSegments() {
    assertThat(
            problems(Map.of("audit.spool.max-bytes", "16Mi", "audit.spool.segment-bytes", "16Mi"))
                .problems())
        .singleElement()
        .asString()
        .contains("at least two segments");
  }
}
