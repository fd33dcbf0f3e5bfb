package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.audit.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServeConfig config = ServeConfig.defaults();

    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8443);
    assertThat(config.tlsCert()).isEmpty();
    assertThat(config.policies()).isEmpty();
    assertThat(config.logFormat()).isEqualTo(ServeConfig.LogFormat.TEXT);
    assertThat(config.bodyLimit()).isEqualTo(3 * 1024 * 1024);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.watchInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void readsEverySettingFromItsKey() {
    ServeConfig config =
        ServeConfig.from(
            Map.of(
                "STATEGUARD_HOST", "127.0.0.1",
                "STATEGUARD_PORT", "9443",
                "STATEGUARD_TLS_CERT", "/tls/tls.crt",
                "STATEGUARD_TLS_KEY", "/tls/tls.key",
                "STATEGUARD_POLICIES", "/etc/stateguard/policies",
                "STATEGUARD_LOG_FORMAT", "json",
                "STATEGUARD_BODY_LIMIT", "512KiB",
                "STATEGUARD_SHUTDOWN_GRACE", "45s",
                "STATEGUARD_WATCH_INTERVAL", "500ms",
                "STATEGUARD_INSTANCES", "3"));

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9443);
    assertThat(config.tlsCert()).contains(Path.of("/tls/tls.crt"));
    assertThat(config.tlsKey()).contains(Path.of("/tls/tls.key"));
    assertThat(config.policies()).contains(Path.of("/etc/stateguard/policies"));
    assertThat(config.logFormat()).isEqualTo(ServeConfig.LogFormat.JSON);
    assertThat(config.bodyLimit()).isEqualTo(512 * 1024);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.watchInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.instances()).isEqualTo(3);
  }

  @Test
  void ignoresOtherVariables() {
    assertThat(ServeConfig.from(Map.of("PATH", "/bin", "STATEGUARD_PORTS", "x")).port())
        .isEqualTo(8443);
  }

  @Test
  void aBadValueNamesTheKeyTheValueTheFlagAndWhatIsAllowed() {
    assertThatThrownBy(() -> ServeConfig.from(Map.of("STATEGUARD_PORT", "http")))
        .isInstanceOf(ServeConfig.InvalidConfigException.class)
        .hasMessage(
            "STATEGUARD_PORT=http (--port): not a port number; allowed: an integer from 0 to"
                + " 65535 (0: any free port)");
  }

  @Test
  void reportsEveryBadValueAtOnce() {
    ServeConfig.InvalidConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ServeConfig.InvalidConfigException.class,
            () ->
                ServeConfig.from(
                    Map.of(
                        "STATEGUARD_PORT", "70000",
                        "STATEGUARD_LOG_FORMAT", "xml",
                        "STATEGUARD_BODY_LIMIT", "3GB",
                        "STATEGUARD_SHUTDOWN_GRACE", "1h",
                        "STATEGUARD_HOST", "my host")));

    assertThat(e.problems())
        .containsExactly(
            "STATEGUARD_HOST=my host (--host): not an address or host name; allowed: an IP"
                + " address or a host name",
            "STATEGUARD_PORT=70000 (--port): out of range; allowed: an integer from 0 to 65535"
                + " (0: any free port)",
            "STATEGUARD_LOG_FORMAT=xml (--log-format): not a log format; allowed: text or json",
            "STATEGUARD_BODY_LIMIT=3GB (--body-limit): not a size; allowed: a size from 1KiB to"
                + " 64MiB, in bytes or with KiB or MiB",
            "STATEGUARD_SHUTDOWN_GRACE=1h (--shutdown-grace): not a duration; allowed: a duration"
                + " from 0s to 10m, such as 500ms, 20s or 1m");
  }

  @Test
  void aCertificateNeedsItsKey() {
    assertThatThrownBy(() -> ServeConfig.from(Map.of("STATEGUARD_TLS_CERT", "tls.crt")))
        .hasMessage(
            "STATEGUARD_TLS_CERT=tls.crt (--tls-cert): needs STATEGUARD_TLS_KEY (--tls-key) too;"
                + " allowed: both or neither (neither generates development certificates)");
  }

  @Test
  void sizesAndDurations() {
    assertThat(ServeConfig.size("3145728")).isEqualTo(3145728);
    assertThat(ServeConfig.size("3MiB")).isEqualTo(3145728);
    assertThat(ServeConfig.size("64KiB")).isEqualTo(65536);
    assertThat(ServeConfig.duration("0s", Duration.ZERO)).isZero();
    assertThat(ServeConfig.duration("2m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> ServeConfig.size("100")).hasMessage("out of range");
    assertThatThrownBy(() -> ServeConfig.duration("10ms", Duration.ofMillis(50)))
        .hasMessage("out of range");
  }

  @Test
  void everySettingHasAFlagAndAKeyWithThePrefix() {
    assertThat(ServeConfig.SETTINGS)
        .allSatisfy(
            s -> {
              assertThat(s.key()).startsWith(ServeConfig.PREFIX);
              assertThat(s.flag())
                  .isEqualTo(
                      "--"
                          + s.key()
                              .substring(ServeConfig.PREFIX.length())
                              .toLowerCase()
                              .replace('_', '-'));
            });
  }

  @Test
  void auditSettingsReachTheAuditKeysAndThePodNameIsTheDefaultReplica() {
    ServeConfig config =
        ServeConfig.from(
            Map.of(
                "HOSTNAME", "stateguard-7c9f-x2",
                "STATEGUARD_AUDIT_CLUSTER", "prod-eu-1",
                "STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "STATEGUARD_AUDIT_KAFKA_TOPIC", "decisions",
                "STATEGUARD_AUDIT_KAFKA_PROPERTY_SECURITY_PROTOCOL", "SSL",
                "STATEGUARD_AUDIT_DURABILITY", "sync"));

    assertThat(config.audit().source().cluster()).isEqualTo("prod-eu-1");
    assertThat(config.audit().source().replica()).isEqualTo("stateguard-7c9f-x2");
    assertThat(config.audit().durability()).isEqualTo(Durability.SYNC);
    assertThat(config.audit().kafka()).isPresent();
    assertThat(config.audit().kafka().get().topic()).isEqualTo("decisions");
    assertThat(config.audit().kafka().get().producer())
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("security.protocol", "SSL");
    // The file is the default sink only without Kafka.
    assertThat(config.audit().file()).isEmpty();
  }

  @Test
  void withoutAuditSettingsEventsGoToTheDefaultFile() {
    ServeConfig config = ServeConfig.from(Map.of("STATEGUARD_AUDIT_REPLICA", "r1"));

    assertThat(config.audit().file()).contains(Path.of("stateguard-audit.jsonl"));
    assertThat(config.audit().kafka()).isEmpty();
    assertThat(config.audit().durability()).isEqualTo(Durability.ASYNC);
    assertThat(config.audit().source().replica()).isEqualTo("r1");
  }

  @Test
  void aBadAuditValueNamesItsVariableAndFlagAmongTheOtherProblems() {
    assertThatThrownBy(
            () ->
                ServeConfig.from(
                    Map.of(
                        "STATEGUARD_PORT", "http",
                        "STATEGUARD_AUDIT_DURABILITY", "always",
                        "STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                        "STATEGUARD_AUDIT_KAFKA_PROPERTY_NO_SUCH_THING", "1")))
        .isInstanceOfSatisfying(
            ServeConfig.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        "STATEGUARD_AUDIT_DURABILITY=always (--audit-durability): use async or"
                            + " sync")
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "STATEGUARD_AUDIT_KAFKA_PROPERTY_NO_SUCH_THING=1 (Kafka"
                                        + " producer property no.such.thing): ")
                                .contains("not a Kafka producer property"))
                    .anySatisfy(p -> assertThat(p).startsWith("STATEGUARD_PORT=http (--port)")));
  }

  @Test
  void podGuardDefaultsToThePodsNamespaceAFailClosedLedgerAndTwoMinutes() {
    ServeConfig config =
        ServeConfig.from(Map.of("POD_NAMESPACE", "platform", "HOSTNAME", "stateguard-7d9-x"));

    assertThat(config.podGuard())
        .isEqualTo(
            new PodGuardSettings("platform", "stateguard-7d9-x", Duration.ofMinutes(2), false));
    assertThat(ServeConfig.defaults().podGuard().namespace()).isEqualTo("stateguard");
  }

  @Test
  void podGuardSettingsOverrideThePodsNamespace() {
    ServeConfig config =
        ServeConfig.from(
            Map.of(
                "POD_NAMESPACE", "platform",
                "STATEGUARD_NAMESPACE", "guard",
                "STATEGUARD_RESERVATION_TTL", "30s",
                "STATEGUARD_POD_GUARD_FAILURE", "open"));

    assertThat(config.podGuard().namespace()).isEqualTo("guard");
    assertThat(config.podGuard().reservationTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.podGuard().failOpen()).isTrue();
    assertThat(config.podGuard().ledger().failOpen()).isTrue();
  }

  @Test
  void badPodGuardSettingsNameTheKeyAndWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                ServeConfig.from(
                    Map.of(
                        "STATEGUARD_NAMESPACE", "Not_A_Namespace",
                        "STATEGUARD_RESERVATION_TTL", "1s",
                        "STATEGUARD_POD_GUARD_FAILURE", "maybe")))
        .isInstanceOf(ServeConfig.InvalidConfigException.class)
        .hasMessageContaining(
            "STATEGUARD_NAMESPACE=Not_A_Namespace (--namespace): not a namespace name")
        .hasMessageContaining("STATEGUARD_RESERVATION_TTL=1s (--reservation-ttl): out of range")
        .hasMessageContaining(
            "STATEGUARD_POD_GUARD_FAILURE=maybe (--pod-guard-failure): not a failure mode;"
                + " allowed: closed or open");
  }
}
