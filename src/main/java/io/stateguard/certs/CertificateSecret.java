package io.stateguard.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the self-managed certificate Secret holds, read from and written to its {@code data}:
 *
 * <ul>
 *   <li>{@code ca.crt}: the trust bundle, every CA the webhook configurations trust (their {@code
 *       caBundle}): the signing CA, and during a CA rotation the next one or the previous one;
 *   <li>{@code ca.key}: the key of the signing CA (the CA that issued {@code tls.crt});
 *   <li>{@code ca-next.key}: only while a CA rotation is announced, the key of the next CA, whose
 *       certificate is in the bundle but signs nothing yet;
 *   <li>{@code tls.crt}, {@code tls.key}: the serving certificate and its key.
 * </ul>
 *
 * <p>The Secret has type {@code kubernetes.io/tls}, so tools that read TLS Secrets find the usual
 * keys. Immutable.
 *
 * @param trusted the trust bundle, in the order it is written
 * @param signing the CA that issues serving certificates
 * @param next the CA announced to replace {@code signing}, already in {@code trusted}
 * @param serving the serving certificate, or empty when the stored one is missing or unusable
 */
record CertificateSecret(
    List<X509Certificate> trusted,
    CertificateAuthority signing,
    Optional<CertificateAuthority> next,
    Optional<TlsMaterial> serving) {

  static final String CA_CERT = CertificateFiles.CA_CERT;
  static final String CA_KEY = CertificateFiles.CA_KEY;
  static final String NEXT_CA_KEY = "ca-next.key";
  static final String TLS_CERT = CertificateFiles.TLS_CERT;
  static final String TLS_KEY = CertificateFiles.TLS_KEY;

  CertificateSecret {
    trusted = List.copyOf(trusted);
    Objects.requireNonNull(signing, "signing");
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(serving, "serving");
    if (!trusted.contains(signing.certificate())) {
      throw new IllegalArgumentException("the signing CA is not in the trust bundle");
    }
    if (next.isPresent() && !trusted.contains(next.get().certificate())) {
      throw new IllegalArgumentException("the next CA is not in the trust bundle");
    }
  }

  /**
   * Reads a Secret's {@code data} (base64 values, as the API server returns them).
   *
   * @param where the Secret, for messages ({@code secret ops/stateguard-tls})
   * @throws IOException when the CA part is missing or unusable, naming the key and why; a missing
   *     or unusable serving pair is not an error (it is reissued) but an empty {@link #serving()}
   */
  static CertificateSecret parse(Map<String, String> data, String where) throws IOException {
    Map<String, String> text = decode(data == null ? Map.of() : data, where);
    List<X509Certificate> trusted =
        Pem.readCertificates(need(text, CA_CERT, where), key(where, CA_CERT));
    PrivateKey caKey = Pem.readPrivateKey(need(text, CA_KEY, where), key(where, CA_KEY));
    CertificateAuthority signing = authority(trusted, caKey, where, CA_KEY);
    Optional<CertificateAuthority> next = Optional.empty();
    if (text.containsKey(NEXT_CA_KEY)) {
      PrivateKey nextKey = Pem.readPrivateKey(text.get(NEXT_CA_KEY), key(where, NEXT_CA_KEY));
      next = Optional.of(authority(trusted, nextKey, where, NEXT_CA_KEY));
    }
    Optional<TlsMaterial> serving = Optional.empty();
    if (text.containsKey(TLS_CERT) && text.containsKey(TLS_KEY)) {
      try {
        serving =
            Optional.of(
                new TlsMaterial(
                    signing.certificate(),
                    Pem.readCertificates(text.get(TLS_CERT), key(where, TLS_CERT)),
                    Pem.readPrivateKey(text.get(TLS_KEY), key(where, TLS_KEY))));
      } catch (IOException | IllegalArgumentException e) {
        // Reissued from the CA: the caBundle the API server trusts stays as it is.
        serving = Optional.empty();
      }
    }
    return new CertificateSecret(trusted, signing, next, serving);
  }

  /** The Secret's {@code data}: every key, base64-encoded. */
  Map<String, String> data() {
    TlsMaterial tls = serving.orElseThrow(() -> new IllegalStateException("no serving pair"));
    Map<String, String> text = new LinkedHashMap<>();
    text.put(CA_CERT, bundlePem());
    text.put(CA_KEY, signing.privateKeyPem());
    next.ifPresent(n -> text.put(NEXT_CA_KEY, n.privateKeyPem()));
    text.put(TLS_CERT, tls.chainPem());
    text.put(TLS_KEY, tls.privateKeyPem());
    Map<String, String> data = new LinkedHashMap<>();
    text.forEach((k, v) -> data.put(k, base64(v)));
    return data;
  }

  /** The trust bundle as PEM ({@code ca.crt}). */
  String bundlePem() {
    return Pem.certificates(trusted);
  }

  /** The trust bundle as the webhook configurations carry it: the PEM, base64-encoded. */
  String caBundle() {
    return base64(bundlePem());
  }

  /** Whether {@code other} holds the same certificates and keys. */
  boolean sameAs(CertificateSecret other) {
    return serving.isPresent() && other.serving.isPresent() && data().equals(other.data());
  }

  private static CertificateAuthority authority(
      List<X509Certificate> trusted, PrivateKey key, String where, String keyName)
      throws IOException {
    for (X509Certificate certificate : trusted) {
      if (certificate.getBasicConstraints() >= 0 && Keys.matches(key, certificate.getPublicKey())) {
        return new CertificateAuthority(certificate, key);
      }
    }
    throw new IOException(
        key(where, keyName) + " belongs to none of the CA certificates in " + key(where, CA_CERT));
  }

  private static Map<String, String> decode(Map<String, String> data, String where)
      throws IOException {
    Map<String, String> text = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : data.entrySet()) {
      try {
        text.put(
            e.getKey(),
            new String(Base64.getMimeDecoder().decode(e.getValue()), StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException ex) {
        throw new IOException(key(where, e.getKey()) + " is not base64", ex);
      }
    }
    return text;
  }

  private static String need(Map<String, String> text, String name, String where)
      throws IOException {
    String value = text.get(name);
    if (value == null || value.isBlank()) {
      throw new IOException(where + " has no " + name);
    }
    return value;
  }

  private static String key(String where, String name) {
    return where + " key " + name;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code certificates} without those {@code drop} matches, in order. */
  static List<X509Certificate> without(
      List<X509Certificate> certificates, java.util.function.Predicate<X509Certificate> drop) {
    List<X509Certificate> kept = new ArrayList<>();
    for (X509Certificate c : certificates) {
      if (!drop.test(c)) {
        kept.add(c);
      }
    }
    return kept;
  }
}
