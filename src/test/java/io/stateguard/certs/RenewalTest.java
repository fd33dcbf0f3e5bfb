package io.stateguard.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The renewal rules of self-managed certificates, on values: no API server, time by hand. */
class RenewalTest {

  static final Duration VALIDITY = Duration.ofDays(90);
  static final Renewal.Lifetimes LIFETIMES =
      Renewal.Lifetimes.of(VALIDITY, Optional.empty(), Duration.ofDays(3650));
  static final SubjectNames NAMES = SubjectNames.forService("sg", "ops", List.of());

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));

  private CertificateSecret first() {
    return Renewal.decide(Optional.empty(), NAMES, LIFETIMES, false, clock).secret();
  }

  @Test
  void withoutASecretMakesACaAndAServingCertificateItSigned() {
    Renewal.Decision decision = Renewal.decide(Optional.empty(), NAMES, LIFETIMES, false, clock);

    assertThat(decision.changed()).isTrue();
    CertificateSecret s = decision.secret();
    assertThat(s.trusted()).containsExactly(s.signing().certificate());
    assertThat(s.next()).isEmpty();
    assertThat(s.serving().orElseThrow().caCertificate()).isEqualTo(s.signing().certificate());
    assertThat(NAMES.missingFrom(s.serving().orElseThrow().certificate())).isEmpty();
  }

  @Test
  void keepsEverythingUntilAThirdOfTheValidityIsLeft() {
    CertificateSecret s = first();
    clock.advance(Duration.ofDays(59));

    assertThat(Renewal.decide(Optional.of(s), NAMES, LIFETIMES, true, clock).changed()).isFalse();

    clock.advance(Duration.ofDays(2));
    Renewal.Decision due = Renewal.decide(Optional.of(s), NAMES, LIFETIMES, true, clock);
    assertThat(due.reasons()).singleElement().asString().contains("within the renewal window");
    assertThat(due.secret().signing()).isEqualTo(s.signing());
    assertThat(due.secret().serving().orElseThrow().certificate())
        .isNotEqualTo(s.serving().orElseThrow().certificate());
  }

  @Test
  void reissuesWhenTheServiceNamesChangeAndKeepsTheCa() {
    CertificateSecret s = first();
    SubjectNames renamed = SubjectNames.forService("guard", "ops", List.of());

    Renewal.Decision decision = Renewal.decide(Optional.of(s), renamed, LIFETIMES, true, clock);

    assertThat(decision.reasons()).singleElement().asString().contains("does not cover guard");
    assertThat(decision.secret().trusted()).isEqualTo(s.trusted());
    assertThat(renamed.missingFrom(decision.secret().serving().orElseThrow().certificate()))
        .isEmpty();
  }

  @Test
  void anAnnouncedCaDoesNotSignUntilTheWebhookConfigurationsTrustIt() {
    CertificateSecret s = first();
    clock.advance(Duration.ofDays(3650 - 170));
    CertificateSecret announced =
        Renewal.decide(Optional.of(s), NAMES, LIFETIMES, true, clock).secret();
    assertThat(announced.next()).isPresent();
    clock.advance(Duration.ofDays(85));

    Renewal.Decision unpublished =
        Renewal.decide(Optional.of(announced), NAMES, LIFETIMES, false, clock);
    Renewal.Decision published =
        Renewal.decide(Optional.of(announced), NAMES, LIFETIMES, true, clock);

    assertThat(unpublished.secret().signing()).isEqualTo(s.signing());
    assertThat(published.secret().signing()).isEqualTo(announced.next().orElseThrow());
    assertThat(published.secret().next()).isEmpty();
    assertThat(published.secret().trusted())
        .containsExactly(s.signing().certificate(), announced.next().get().certificate());
  }

  @Test
  void anExpiredCaIsReplacedAtOnce() {
    CertificateSecret s = first();
    clock.advance(Duration.ofDays(3651));

    Renewal.Decision decision = Renewal.decide(Optional.of(s), NAMES, LIFETIMES, false, clock);

    assertThat(decision.reasons()).anySatisfy(r -> assertThat(r).contains("expired at"));
    assertThat(decision.secret().signing()).isNotEqualTo(s.signing());
    assertThat(decision.secret().trusted())
        .containsExactly(decision.secret().signing().certificate());
  }

  @Test
  void theSecretDataReadsBackAndAnUnusableServingPairIsReissuedNotFatal() throws IOException {
    CertificateSecret s = first();
    Map<String, String> data = new HashMap<>(s.data());

    assertThat(CertificateSecret.parse(data, "secret ops/sg-tls").sameAs(s)).isTrue();

    data.put("tls.key", s.data().get("ca.key"));
    CertificateSecret broken = CertificateSecret.parse(data, "secret ops/sg-tls");
    assertThat(broken.serving()).isEmpty();
    assertThat(Renewal.decide(Optional.of(broken), NAMES, LIFETIMES, true, clock).reasons())
        .containsExactly("the stored serving certificate is missing or unusable");
  }

  @Test
  void aSecretWithoutACaKeyIsNamedInTheError() {
    Map<String, String> data = new HashMap<>(first().data());
    data.remove("ca.key");

    assertThatThrownBy(() -> CertificateSecret.parse(data, "secret ops/sg-tls"))
        .isInstanceOf(IOException.class)
        .hasMessage("secret ops/sg-tls has no ca.key");
  }

  @Test
  void refusesLifetimesThatLeaveNoRoomForRenewalOrRotation() {
    assertThatThrownBy(
            () -> Renewal.Lifetimes.of(VALIDITY, Optional.of(VALIDITY), Duration.ofDays(3650)))
        .hasMessageContaining("less than the validity");
    assertThatThrownBy(() -> Renewal.Lifetimes.of(VALIDITY, Optional.empty(), Duration.ofDays(200)))
        .hasMessageContaining("at least three times");
  }
}
