package io.stateguard.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an HTTPS server needs to serve, plus what its clients need to trust it: the CA certificate,
 * the serving certificate chain (the serving certificate first, then any intermediates, not the
 * CA), and the serving certificate's private key.
 *
 * <p>Construction checks that the key belongs to the serving certificate and that the chain leads
 * to the CA, so a half-rotated set of files (a new key next to an old certificate) is refused
 * instead of served. Immutable and thread-safe; {@link #toString()} never shows the key.
 */
public record TlsMaterial(
    X509Certificate caCertificate, List<X509Certificate> chain, PrivateKey privateKey) {

  /**
   * @throws IllegalArgumentException when the chain is empty, the key is not the serving
   *     certificate's, or the chain is not signed by the CA
   */
  public TlsMaterial {
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate chain is empty");
    }
    if (!Keys.matches(privateKey, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(
          "the private key does not belong to the serving certificate " + subject(chain.get(0)));
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : caCertificate;
      if (chain.get(i).equals(issuer)) {
        continue;
      }
      if (!signedBy(chain.get(i), issuer)) {
        throw new IllegalArgumentException(
            "the certificate "
                + subject(chain.get(i))
                + " is not signed by "
                + subject(issuer)
                + (issuer == caCertificate ? " (the CA)" : ""));
      }
    }
  }

  /**
   * Parses PEM text, as found in {@code ca.crt}, {@code tls.crt} and {@code tls.key} (or the keys
   * of a Kubernetes TLS Secret).
   *
   * @throws IOException naming which text is unreadable, or why the three do not belong together
   */
  public static TlsMaterial fromPem(String caPem, String chainPem, String keyPem)
      throws IOException {
    return CertificateFiles.parse(
        caPem, CertificateFiles.CA_CERT,
        chainPem, CertificateFiles.TLS_CERT,
        keyPem, CertificateFiles.TLS_KEY);
  }

  /** The serving certificate (the first of the chain). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** The CA certificate as PEM ({@code ca.crt}). */
  public String caPem() {
    return Pem.certificates(List.of(caCertificate));
  }

  /** The chain as PEM, serving certificate first ({@code tls.crt}). */
  public String chainPem() {
    return Pem.certificates(chain);
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code tls.key}). */
  public String privateKeyPem() {
    return Pem.privateKey(privateKey);
  }

  /**
   * The CA certificate's PEM, base64-encoded: the value of {@code caBundle} in a
   * ValidatingWebhookConfiguration or MutatingWebhookConfiguration.
   */
  public String caBundle() {
    return Base64.getEncoder().encodeToString(caPem().getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether any certificate here is outside its validity, or leaves it within {@code before}. */
  public boolean needsRenewal(Clock clock, Duration before) {
    return renewalReason(clock, before, null).isPresent();
  }

  /** As {@link #needsRenewal(Clock, Duration)}, and also when a wanted name is not covered. */
  public boolean needsRenewal(Clock clock, Duration before, SubjectNames wanted) {
    return renewalReason(clock, before, Objects.requireNonNull(wanted, "wanted")).isPresent();
  }

  /**
   * Why these certificates should be replaced now, for a log line, or empty when they are good for
   * longer than {@code before}: a certificate (serving, intermediate or CA) is not yet valid, has
   * expired or expires within {@code before}; or the serving certificate does not cover every name
   * in {@code wanted} (skipped when {@code wanted} is null). Every reason found is given.
   */
  public Optional<String> renewalReason(Clock clock, Duration before, SubjectNames wanted) {
    if (before.isNegative()) {
      throw new IllegalArgumentException("the renewal window must not be negative: " + before);
    }
    Instant now = clock.instant();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      validityReason(chain.get(i), i == 0 ? "serving" : "intermediate", now, before)
          .ifPresent(reasons::add);
    }
    if (!chain.contains(caCertificate)) {
      validityReason(caCertificate, "CA", now, before).ifPresent(reasons::add);
    }
    if (wanted != null) {
      List<String> missing = wanted.missingFrom(certificate());
      if (!missing.isEmpty()) {
        reasons.add(
            "the serving certificate "
                + subject(certificate())
                + " does not cover "
                + String.join(", ", missing));
      }
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  private static Optional<String> validityReason(
      X509Certificate certificate, String role, Instant now, Duration before) {
    String which = "the " + role + " certificate " + subject(certificate);
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.isBefore(notBefore)) {
      return Optional.of(which + " is not valid until " + notBefore);
    }
    if (!now.isBefore(notAfter)) {
      return Optional.of(which + " expired at " + notAfter);
    }
    Duration left = Duration.between(now, notAfter);
    if (left.compareTo(before) < 0) {
      return Optional.of(
          which
              + " expires at "
              + notAfter
              + " (in "
              + human(left)
              + ", renewal is due "
              + human(before)
              + " before expiry)");
    }
    return Optional.empty();
  }

  private static String human(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    return Math.max(d.toMinutes(), 0) + " minutes";
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  @Override
  public String toString() {
    return "TlsMaterial["
        + subject(certificate())
        + ", valid until "
        + certificate().getNotAfter().toInstant()
        + ", CA "
        + subject(caCertificate)
        + "]";
  }
}
