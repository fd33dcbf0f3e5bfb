package io.stateguard.certs;

import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority that signs stateguard's serving certificates: its self-signed certificate
 * (the one the webhook configurations trust, as their {@code caBundle}) and its private key.
 * Keeping the CA and issuing new serving certificates from it lets certificates be renewed without
 * touching the webhook configurations.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {

  /**
   * How long a generated CA is valid: ten years, so it outlives many renewals of the serving
   * certificate (a serving certificate is never valid past its CA).
   */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @throws IllegalArgumentException when the certificate is not a CA certificate or the key is not
   *     its own
   */
  public CertificateAuthority {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          certificate.getSubjectX500Principal().getName() + " is not a CA certificate");
    }
    if (!Keys.matches(privateKey, certificate.getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the CA certificate "
              + certificate.getSubjectX500Principal().getName());
    }
  }

  /**
   * A new self-signed CA, ECDSA P-256, valid for {@link #DEFAULT_VALIDITY} from {@code clock}'s
   * now. Its common name carries the creation time ({@code stateguard-ca@1764000000}), so two CAs
   * in one bundle can be told apart.
   */
  public static CertificateAuthority generate(Clock clock) {
    return generate(DEFAULT_VALIDITY, clock);
  }

  /** As {@link #generate(Clock)}, valid for {@code validity}. */
  public static CertificateAuthority generate(Duration validity, Clock clock) {
    String name = "stateguard-ca@" + clock.instant().getEpochSecond();
    return X509Issuer.newAuthority(name, validity, clock, RANDOM);
  }

  /**
   * A new serving certificate (ECDSA P-256, serverAuth) for {@code names}, signed by this CA, with
   * a fresh key. Valid from a few minutes before {@code clock}'s now, for clock skew, for {@code
   * validity} or until this CA expires, whichever comes first.
   */
  public TlsMaterial issue(SubjectNames names, Duration validity, Clock clock) {
    return X509Issuer.issue(this, names, validity, clock, RANDOM);
  }

  /** The CA certificate as PEM ({@code ca.crt}). */
  public String certificatePem() {
    return Pem.certificates(List.of(certificate));
  }

  /** The CA key as unencrypted PKCS#8 PEM ({@code ca.key}): keep it secret. */
  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }

  @Override
  public String toString() {
    return "CertificateAuthority["
        + certificate.getSubjectX500Principal().getName()
        + ", valid until "
        + certificate.getNotAfter().toInstant()
        + "]";
  }
}
