package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificatesConfigTest {

  @Test
  void filesModeIsTheDefault() {
    CertificatesConfig config = ServeConfig.defaults().certificates();

    assertThat(config.self()).isFalse();
    assertThat(config.validity()).isEqualTo(Duration.ofDays(90));
    assertThat(config.renewBefore()).as("a third of the validity, decided later").isEmpty();
    assertThat(config.caValidity()).isEqualTo(Duration.ofDays(3650));
    assertThat(config.namespace()).as("the service account's").isEmpty();
    assertThat(config.mutatingWebhook()).contains("stateguard");
  }

  @Test
  void readsSelfModeFromItsKeys() {
    CertificatesConfig config =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_CERTS_MODE", "self",
                    "STATEGUARD_CERTS_SECRET", "sg-tls",
                    "STATEGUARD_CERTS_NAMESPACE", "guard-system",
                    "STATEGUARD_CERTS_SERVICE", "sg",
                    "STATEGUARD_CERTS_VALIDATING_WEBHOOK", "sg.guard",
                    "STATEGUARD_CERTS_MUTATING_WEBHOOK", "none",
                    "STATEGUARD_CERTS_DIR", "/run/tls",
                    "STATEGUARD_CERTS_VALIDITY", "30d",
                    "STATEGUARD_CERTS_RENEW_BEFORE", "240h",
                    "STATEGUARD_CERTS_CHECK_INTERVAL", "30s"))
            .certificates();

    assertThat(config.self()).isTrue();
    assertThat(config.secretName()).isEqualTo("sg-tls");
    assertThat(config.namespace()).contains("guard-system");
    assertThat(config.service()).isEqualTo("sg");
    assertThat(config.validatingWebhook()).isEqualTo("sg.guard");
    assertThat(config.mutatingWebhook()).isEqualTo(Optional.empty());
    assertThat(config.dir()).isEqualTo(Path.of("/run/tls"));
    assertThat(config.validity()).isEqualTo(Duration.ofDays(30));
    assertThat(config.renewBefore()).contains(Duration.ofDays(10));
    assertThat(config.checkInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void refusesSelfModeWithCertificateFilesAndLifetimesThatDoNotFit() {
    assertThatThrownBy(
            () ->
                ServeConfig.from(
                    Map.of(
                        "STATEGUARD_CERTS_MODE", "self",
                        "STATEGUARD_TLS_CERT", "/tls/tls.crt",
                        "STATEGUARD_TLS_KEY", "/tls/tls.key",
                        "STATEGUARD_CERTS_VALIDITY", "90d",
                        "STATEGUARD_CERTS_RENEW_BEFORE", "90d",
                        "STATEGUARD_CERTS_CA_VALIDITY", "200d",
                        "STATEGUARD_CERTS_SERVICE", "9sg")))
        .isInstanceOfSatisfying(
            ServeConfig.InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "STATEGUARD_CERTS_SERVICE=9sg (--certs-service): not a Service name;"
                            + " allowed: a Service name",
                        "STATEGUARD_CERTS_RENEW_BEFORE=90d (--certs-renew-before): not less than"
                            + " the validity 90d; allowed: hours or days, less than the validity",
                        "STATEGUARD_CERTS_CA_VALIDITY=200d (--certs-ca-validity): less than three"
                            + " times the validity 90d, which a CA rotation needs (announce, then"
                            + " sign); allowed: hours or days, at least three times the validity",
                        "STATEGUARD_CERTS_MODE=self (--certs-mode): not with STATEGUARD_TLS_CERT"
                            + " (--tls-cert): self mode writes its own certificate files; give one"
                            + " or the other; allowed: files or self"));
  }
}
