package io.stateguard.certs;

import static io.stateguard.certs.CertificateIssuingTest.CLOCK;
import static io.stateguard.certs.CertificateIssuingTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsMaterialTest {

  private static final Duration MONTH = Duration.ofDays(30);

  private final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  private final SubjectNames names =
      SubjectNames.forService("webhook", "infra", List.of("127.0.0.1"));
  private final TlsMaterial tls = ca.issue(names, Duration.ofDays(90), CLOCK);

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  @Test
  void freshCertificateNeedsNoRenewal() {
    assertThat(tls.needsRenewal(CLOCK, MONTH)).isFalse();
    assertThat(tls.needsRenewal(CLOCK, MONTH, names)).isFalse();
    assertThat(tls.renewalReason(CLOCK, MONTH, names)).isEmpty();
  }

  @Test
  void needsRenewalOnceRemainingValidityIsBelowTheWindow() {
    Clock day61 = at(NOW.plus(Duration.ofDays(61)));

    assertThat(tls.needsRenewal(at(NOW.plus(Duration.ofDays(59))), MONTH)).isFalse();
    assertThat(tls.renewalReason(day61, MONTH, null))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("the serving certificate CN=webhook.infra.svc expires at ")
                    .contains("in 29 days")
                    .contains("30 days before expiry"));
  }

  @Test
  void expiredCertificateIsReportedAsExpired() {
    Clock later = at(NOW.plus(Duration.ofDays(91)));

    assertThat(tls.renewalReason(later, Duration.ZERO, null))
        .hasValue(
            "the serving certificate CN=webhook.infra.svc expired at "
                + NOW.plus(Duration.ofDays(90)));
  }

  @Test
  void notYetValidCertificateIsReported() {
    Clock earlier = at(NOW.minus(Duration.ofHours(1)));

    assertThat(tls.renewalReason(earlier, Duration.ZERO, null))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains("serving certificate CN=webhook.infra.svc is not valid until")
                    .contains("CA certificate CN=stateguard-ca@"));
  }

  @Test
  void reportsEveryCertificateThatIsDueIncludingTheCa() {
    CertificateAuthority shortCa = CertificateAuthority.generate(Duration.ofDays(20), CLOCK);
    TlsMaterial issued = shortCa.issue(names, Duration.ofDays(10), CLOCK);

    assertThat(issued.renewalReason(CLOCK, Duration.ofDays(25), null))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("the serving certificate CN=webhook.infra.svc expires at")
                    .contains("(in 10 days, renewal is due 25 days before expiry); the CA")
                    .contains("CA certificate CN=stateguard-ca@")
                    .endsWith("(in 20 days, renewal is due 25 days before expiry)"));
  }

  @Test
  void needsRenewalWhenAWantedNameIsNotCovered() {
    SubjectNames moved = SubjectNames.forService("webhook", "platform", List.of("127.0.0.1"));

    assertThat(tls.needsRenewal(CLOCK, MONTH)).isFalse();
    assertThat(tls.renewalReason(CLOCK, MONTH, moved))
        .hasValue(
            "the serving certificate CN=webhook.infra.svc does not cover webhook.platform,"
                + " webhook.platform.svc, webhook.platform.svc.cluster.local");
  }

  @Test
  void needsRenewalWhenAWantedIpIsNotCovered() {
    assertThat(tls.renewalReason(CLOCK, MONTH, SubjectNames.localhost()))
        .hasValueSatisfying(reason -> assertThat(reason).endsWith("does not cover ::1"));
  }

  @Test
  void caBundleIsTheBase64OfTheCaPem() {
    String pem = new String(Base64.getDecoder().decode(tls.caBundle()), StandardCharsets.US_ASCII);

    assertThat(pem).isEqualTo(ca.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(tls.caBundle()).doesNotContain("\n");
  }

  @Test
  void refusesAKeyThatIsNotTheServingCertificates() {
    TlsMaterial other = ca.issue(names, Duration.ofDays(90), CLOCK);

    assertThatThrownBy(() -> new TlsMaterial(ca.certificate(), tls.chain(), other.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the private key does not belong to the serving certificate CN=webhook.infra.svc");
  }

  @Test
  void refusesAChainThatTheCaDidNotSign() {
    CertificateAuthority stranger = CertificateAuthority.generate(CLOCK);

    assertThatThrownBy(() -> new TlsMaterial(stranger.certificate(), tls.chain(), tls.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the certificate CN=webhook.infra.svc is not signed by CN=")
        .hasMessageEndingWith("(the CA)");
  }

  @Test
  void caRefusesACertificateThatIsNotACa() {
    assertThatThrownBy(() -> new CertificateAuthority(tls.certificate(), tls.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CN=webhook.infra.svc is not a CA certificate");
  }

  @Test
  void toStringNeverShowsKeyMaterial() {
    String keyBody = tls.privateKeyPem().lines().skip(1).findFirst().orElseThrow();

    assertThat(tls.toString()).contains("CN=webhook.infra.svc").doesNotContain(keyBody);
    assertThat(ca.toString()).doesNotContain(ca.privateKeyPem().lines().skip(1).findFirst().get());
  }
}
