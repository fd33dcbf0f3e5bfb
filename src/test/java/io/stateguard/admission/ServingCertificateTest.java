package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServingCertificateTest {

  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() throws Exception {
    HttpsClient.await(vertx.close());
  }

  @Test
  void readsAMatchingPair() throws Exception {
    ServingCertificate cert =
        ServingCertificate.read(
            TestTls.file("tls1.crt"), TestTls.file("tls1.key"), vertx, Clock.systemUTC());

    assertThat(cert.leaf().getSubjectX500Principal().getName())
        .isEqualTo("CN=stateguard.stateguard.svc");
    assertThat(cert.fingerprint()).startsWith("sha256:").hasSize(23);
    assertThat(cert.sslOptions().getEnabledSecureTransportProtocols())
        .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
  }

  @Test
  void refusesAKeyOfAnotherCertificate() {
    assertThatThrownBy(
            () ->
                ServingCertificate.read(
                    TestTls.file("tls2.crt"), TestTls.file("tls1.key"), vertx, Clock.systemUTC()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the private key does not belong to the certificate");
  }

  @Test
  void refusesAnExpiredCertificate() {
    Clock later = Clock.fixed(Instant.parse("2200-01-01T00:00:00Z"), ZoneOffset.UTC);

    assertThatThrownBy(
            () ->
                ServingCertificate.read(
                    TestTls.file("tls1.crt"), TestTls.file("tls1.key"), vertx, later))
        .hasMessageContaining("the certificate expired at 2126-");
  }

  @Test
  void saysWhenTheCertificateInForceHasExpired() throws Exception {
    ServingCertificate cert =
        ServingCertificate.read(
            TestTls.file("tls1.crt"), TestTls.file("tls1.key"), vertx, Clock.systemUTC());

    assertThat(cert.expired(Instant.now())).isEmpty();
    assertThat(cert.expired(Instant.parse("2200-01-01T00:00:00Z")))
        .get()
        .asString()
        .startsWith("the serving certificate expired at 2126-");
  }

  @Test
  void namesAMissingFile() {
    Path missing = Path.of("no-such-dir", "tls.crt");

    assertThatThrownBy(
            () ->
                ServingCertificate.read(
                    missing, TestTls.file("tls1.key"), vertx, Clock.systemUTC()))
        .hasMessage("the certificate file " + missing + " does not exist");
  }

  @Test
  void refusesWhatIsNotPem() throws Exception {
    Path garbage = Files.createTempFile("tls", ".crt");
    Files.writeString(garbage, "hello");
    try {
      assertThatThrownBy(
              () ->
                  ServingCertificate.read(
                      garbage, TestTls.file("tls1.key"), vertx, Clock.systemUTC()))
          .hasMessageContaining("not a PEM certificate and private key");
    } finally {
      Files.delete(garbage);
    }
  }
}
