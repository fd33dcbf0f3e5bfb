package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.stateguard.admission.ServeConfig;
import io.stateguard.audit.AuditConfig;
import io.stateguard.certs.CertificateAuthority;
import io.stateguard.certs.SubjectNames;
import io.stateguard.certs.TlsMaterial;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit stream as the chart configures serve, for every values file: events to standard output
 * and Kafka, never to a file in the pod; Kafka's address, topic, TLS and SASL from the values and
 * Secrets, in a form the Kafka client accepts; the spool on a volume of its own.
 */
class ChartAuditIT {

  private static final String SPOOL_DIR = "STATEGUARD_AUDIT_SPOOL_DIR";

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  static List<Chart.ValueSet> kafkaValueSets() {
    return Chart.valueSets().stream()
        .filter(s -> s.at("/audit/kafka/enabled").asBoolean())
        .toList();
  }

  @Test
  void kafkaIsTestedWithAndWithoutTlsAndSasl() {
    assertThat(kafkaValueSets().stream().map(s -> s.at("/audit/kafka/tls/enabled").asBoolean()))
        .contains(true, false);
    assertThat(Chart.valueSets().stream().map(s -> s.at("/audit/kafka/enabled").asBoolean()))
        .contains(true, false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void eventsGoToStandardOutputOrKafkaNeverToAFileInThePod(Chart.ValueSet set) {
    // Given
    AuditConfig audit = config(set, PodEnv::placeholder).audit();

    // Then
    assertThat(audit.file()).as("a file in the pod's read-only or passing filesystem").isEmpty();
    assertThat(audit.stdout()).isEqualTo(set.at("/audit/stdout").asBoolean());
    assertThat(audit.kafka().isPresent()).isEqualTo(set.at("/audit/kafka/enabled").asBoolean());
    assertThat(audit.source().cluster()).isEqualTo(set.at("/audit/cluster").asText());
    assertThat(audit.durability().name())
        .isEqualToIgnoringCase(set.at("/audit/durability").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kafkaValueSets")
  void kafkaSettingsReachTheProducerFromTheValuesAndSecrets(Chart.ValueSet set) {
    // Given
    AuditConfig.KafkaSettings kafka =
        config(set, PodEnv::placeholder).audit().kafka().orElseThrow();
    Map<String, String> producer = kafka.producer();
    JsonNode tls = set.at("/audit/kafka/tls");
    JsonNode sasl = set.at("/audit/kafka/sasl");

    // Then
    assertThat(kafka.bootstrapServers())
        .isEqualTo(set.at("/audit/kafka/bootstrapServers").asText());
    assertThat(kafka.topic()).isEqualTo(set.at("/audit/kafka/topic").asText());
    set.at("/audit/kafka/properties")
        .fields()
        .forEachRemaining(
            p -> assertThat(producer).containsEntry(p.getKey(), p.getValue().asText()));
    boolean withTls = tls.path("enabled").asBoolean();
    String mechanism = sasl.path("mechanism").asText();
    String protocol = (mechanism.isEmpty() ? "" : "SASL_") + (withTls ? "SSL" : "PLAINTEXT");
    assertThat(producer.getOrDefault("security.protocol", "PLAINTEXT")).isEqualTo(protocol);
    if (withTls && !tls.at("/ca/secretName").asText().isEmpty()) {
      assertThat(producer)
          .containsEntry("ssl.truststore.type", "PEM")
          .containsEntry(
              "ssl.truststore.certificates",
              PodEnv.placeholder(tls.at("/ca/secretName").asText(), tls.at("/ca/key").asText()));
    }
    if (withTls && !tls.path("clientCertificateSecret").asText().isEmpty()) {
      String secret = tls.path("clientCertificateSecret").asText();
      assertThat(producer)
          .containsEntry("ssl.keystore.type", "PEM")
          .containsEntry("ssl.keystore.certificate.chain", PodEnv.placeholder(secret, "tls.crt"))
          .containsEntry("ssl.keystore.key", PodEnv.placeholder(secret, "tls.key"));
    }
    if (!mechanism.isEmpty()) {
      String secret = sasl.path("secretName").asText();
      assertThat(producer).containsEntry("sasl.mechanism", mechanism);
      assertThat(producer.get("sasl.jaas.config"))
          .contains(
              "username=\"" + PodEnv.placeholder(secret, sasl.path("usernameKey").asText()) + "\"")
          .contains(
              "password=\"" + PodEnv.placeholder(secret, sasl.path("passwordKey").asText()) + "\"");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kafkaValueSets")
  void kafkaClientAcceptsTheSettingsWithRealCertificatesAndCredentials(Chart.ValueSet set) {
    // Given Secrets as a cluster would hold them: PEM certificates and an unencrypted PKCS#8 key
    CertificateAuthority ca = CertificateAuthority.generate(Clock.systemUTC());
    TlsMaterial client =
        ca.issue(
            new SubjectNames(List.of("stateguard"), List.of()),
            Duration.ofDays(1),
            Clock.systemUTC());
    Map<String, String> files = new HashMap<>();
    files.put("tls.crt", client.chainPem());
    files.put("tls.key", client.privateKeyPem());
    BiFunction<String, String, String> secrets =
        (name, key) ->
            Optional.ofNullable(files.get(key))
                .orElse(key.contains("ca") ? ca.certificatePem() : "s3cr3t-" + key);
    Map<String, Object> producer =
        new HashMap<>(config(set, secrets).audit().kafka().orElseThrow().producer());
    // The brokers' names resolve only in their cluster (the address is checked above); the
    // producer needs a resolvable one to be built, and builds without connecting.
    producer.put("bootstrap.servers", "127.0.0.1:9092");

    // When / Then the producer is built: TLS material loaded, SASL login configured (it connects
    // only when it sends)
    assertThatCode(
            () -> {
              try (var p =
                  new KafkaProducer<>(
                      producer, new StringSerializer(), new ByteArraySerializer())) {
                p.close(Duration.ZERO);
              }
            })
        .as("a Kafka producer with %s", producer.keySet())
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void theSpoolIsAVolumeOfItsOwnWhenKafkaIsOn(Chart.ValueSet set) {
    // Given
    PodSpec pod = ChartWorkloadIT.podSpec(Chart.render(set));
    Container container = pod.getContainers().get(0);
    Map<String, String> settings = ChartWorkloadIT.serveSettings(container);

    if (!set.at("/audit/kafka/enabled").asBoolean()) {
      // Then without Kafka there is no spool
      assertThat(settings).doesNotContainKey(SPOOL_DIR);
      assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("audit-spool"));
      return;
    }
    // Then the spool folder is a mounted volume of the size the values give
    Volume volume =
        ChartWorkloadIT.volume(
            pod, ChartWorkloadIT.mount(container, settings.get(SPOOL_DIR)).getName());
    JsonNode given = set.at("/audit/kafka/spool/volume");
    Quantity size = new Quantity(given.path("size").asText());
    if (given.path("type").asText().equals("ephemeral")) {
      var claim = volume.getEphemeral().getVolumeClaimTemplate().getSpec();
      assertThat(claim.getResources().getRequests()).containsEntry("storage", size);
      assertThat(claim.getStorageClassName())
          .isEqualTo(given.path("storageClassName").asText(null));
    } else {
      assertThat(volume.getEmptyDir().getSizeLimit()).isEqualTo(size);
    }
    assertThat(settings.get("STATEGUARD_AUDIT_SPOOL_MAX_BYTES"))
        .isEqualTo(set.at("/audit/kafka/spool/maxBytes").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void secretsComeByReferenceNeverAsValues(Chart.ValueSet set) {
    // Given
    List<EnvVar> env = ChartWorkloadIT.podSpec(Chart.render(set)).getContainers().get(0).getEnv();

    // Then
    assertThat(env)
        .filteredOn(
            e ->
                e.getName()
                    .matches(
                        "(STATEGUARD_AUDIT_KAFKA_PROPERTY_|KAFKA_SASL_).*"
                            + "(PASSWORD|USERNAME|_KEY|CERTIFICATES|CERTIFICATE_CHAIN)$"))
        .allSatisfy(e -> assertThat(e.getValueFrom()).as(e.getName()).isNotNull());
  }

  private static ServeConfig config(
      Chart.ValueSet set, BiFunction<String, String, String> secrets) {
    Container container = ChartWorkloadIT.podSpec(Chart.render(set)).getContainers().get(0);
    Map<String, String> env = new HashMap<>();
    PodEnv.of(container, secrets)
        .forEach(
            (k, v) -> {
              if (k.startsWith(ServeConfig.PREFIX)) {
                env.put(k, v);
              }
            });
    return ServeConfig.from(env);
  }
}
