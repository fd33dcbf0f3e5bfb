package io.stateguard.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Real certificates, checked with the JDK's own X.509 and PKIX code. */
class CertificateIssuingTest {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** OIDs of the extensions, as the JDK reports them. */
  static final String BASIC_CONSTRAINTS = "2.5.29.19";

  static final String KEY_USAGE = "2.5.29.15";
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  // KeyUsage bits as X509Certificate.getKeyUsage() indexes them.
  static final int DIGITAL_SIGNATURE = 0;
  static final int KEY_CERT_SIGN = 5;
  static final int CRL_SIGN = 6;

  private final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  private final TlsMaterial tls =
      ca.issue(
          SubjectNames.forService(
              "stateguard", "stateguard-system", List.of("10.0.0.7", "fd00::7")),
          Duration.ofDays(365),
          CLOCK);

  @Test
  void caIsSelfSignedWithPathLengthZeroAndCertSigningUsageOnly() throws Exception {
    X509Certificate cert = ca.certificate();

    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    cert.verify(cert.getPublicKey());
    assertThat(cert.getBasicConstraints()).as("CA:true with pathLen 0").isZero();
    assertThat(cert.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
    assertThat(setBits(cert.getKeyUsage())).containsExactly(KEY_CERT_SIGN, CRL_SIGN);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(subjectKeyId(cert)).isNotEmpty();
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=stateguard-ca@" + NOW.getEpochSecond());
  }

  @Test
  void servingCertificateHasExactlyTheServiceNamesLocalhostAndTheGivenIps() throws Exception {
    Collection<List<?>> sans = tls.certificate().getSubjectAlternativeNames();

    assertThat(sans)
        .containsExactly(
            List.of(2, "stateguard"),
            List.of(2, "stateguard.stateguard-system"),
            List.of(2, "stateguard.stateguard-system.svc"),
            List.of(2, "stateguard.stateguard-system.svc.cluster.local"),
            List.of(2, "localhost"),
            List.of(7, "10.0.0.7"),
            List.of(7, "fd00:0:0:0:0:0:0:7"));
    assertThat(tls.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=stateguard.stateguard-system.svc");
  }

  @Test
  void servingCertificateIsAnEndEntityForServerAuthOnly() throws Exception {
    X509Certificate cert = tls.certificate();

    assertThat(cert.getBasicConstraints()).as("CA:false").isEqualTo(-1);
    assertThat(cert.getExtensionValue(BASIC_CONSTRAINTS))
        .as("basicConstraints present")
        .isNotNull();
    assertThat(cert.getCriticalExtensionOIDs()).contains(KEY_USAGE);
    assertThat(setBits(cert.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    cert.verify(ca.certificate().getPublicKey());
  }

  @Test
  void authorityKeyIdOfServingCertificateIsTheCasSubjectKeyId() {
    // AKI extension: OCTET STRING { SEQUENCE { [0] keyIdentifier } }; the key id is its tail.
    byte[] caKeyId = subjectKeyId(ca.certificate());
    byte[] aki = tls.certificate().getExtensionValue("2.5.29.35");

    assertThat(aki).isNotNull();
    byte[] tail = Arrays.copyOfRange(aki, aki.length - caKeyId.length, aki.length);
    assertThat(tail).isEqualTo(caKeyId);
    assertThat(subjectKeyId(tls.certificate())).isNotEqualTo(caKeyId);
  }

  @Test
  void keysAreEcOnTheP256Curve() {
    for (var key :
        List.of(
            ca.certificate().getPublicKey(),
            tls.certificate().getPublicKey(),
            ca.privateKey(),
            tls.privateKey())) {
      assertThat(key.getAlgorithm()).isEqualTo("EC");
      ECParameterSpec params =
          key instanceof ECPublicKey pub ? pub.getParams() : ((ECPrivateKey) key).getParams();
      assertThat(params.getCurve().getField().getFieldSize()).isEqualTo(256);
      assertThat(params.toString()).contains("secp256r1");
    }
  }

  @Test
  void serialsArePositive128BitAndDifferEachTime() {
    TlsMaterial other = ca.issue(SubjectNames.localhost(), Duration.ofDays(1), CLOCK);

    for (BigInteger serial :
        List.of(
            ca.certificate().getSerialNumber(),
            tls.certificate().getSerialNumber(),
            other.certificate().getSerialNumber())) {
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isEqualTo(128);
    }
    assertThat(other.certificate().getSerialNumber())
        .isNotEqualTo(tls.certificate().getSerialNumber());
  }

  @Test
  void validityStartsFiveMinutesBeforeTheClockAndLastsTheRequestedDays() {
    assertThat(tls.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(300));
    assertThat(tls.certificate().getNotAfter().toInstant())
        .isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(ca.certificate().getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(300));
    assertThat(ca.certificate().getNotAfter().toInstant())
        .isEqualTo(NOW.plus(CertificateAuthority.DEFAULT_VALIDITY));
  }

  @Test
  void servingCertificateNeverOutlivesItsCa() {
    CertificateAuthority shortLived = CertificateAuthority.generate(Duration.ofDays(10), CLOCK);

    TlsMaterial issued = shortLived.issue(SubjectNames.localhost(), Duration.ofDays(365), CLOCK);

    assertThat(issued.certificate().getNotAfter())
        .isEqualTo(shortLived.certificate().getNotAfter());
  }

  @Test
  void chainValidatesWithPkixAgainstTheCaAtTheClocksInstant() throws Exception {
    validate(tls, NOW);
    validate(tls, NOW.plus(Duration.ofDays(364)));
  }

  @Test
  void pkixRejectsTheChainOnceExpired() {
    Instant later = NOW.plus(Duration.ofDays(366));

    assertThatThrownBy(() -> validate(tls, later))
        .isInstanceOf(CertPathValidatorException.class)
        .hasCauseInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void pkixRejectsTheChainBeforeItIsValid() {
    Instant earlier = NOW.minus(Duration.ofMinutes(6));

    assertThatThrownBy(() -> validate(tls, earlier))
        .isInstanceOf(CertPathValidatorException.class)
        .hasCauseInstanceOf(CertificateNotYetValidException.class);
  }

  @Test
  void pkixRejectsAChainFromAnotherCa() {
    CertificateAuthority stranger = CertificateAuthority.generate(CLOCK);

    assertThatThrownBy(() -> validate(tls, NOW, stranger.certificate()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void rejectsNonPositiveValidity() {
    assertThatThrownBy(() -> ca.issue(SubjectNames.localhost(), Duration.ZERO, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validity must be positive");
  }

  static void validate(TlsMaterial material, Instant at) throws Exception {
    validate(material, at, material.caCertificate());
  }

  static void validate(TlsMaterial material, Instant at, X509Certificate anchor) throws Exception {
    CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(material.chain());
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX").validate(path, params);
  }

  private static List<Integer> setBits(boolean[] bits) {
    List<Integer> set = new ArrayList<>();
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        set.add(i);
      }
    }
    return set;
  }

  /** The key id inside the SKI extension: OCTET STRING { OCTET STRING keyId }. */
  static byte[] subjectKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue("2.5.29.14");
    assertThat(ext).as("subjectKeyIdentifier of %s", cert.getSubjectX500Principal()).isNotNull();
    int length = ext[3];
    return Arrays.copyOfRange(ext, 4, 4 + length);
  }
}
