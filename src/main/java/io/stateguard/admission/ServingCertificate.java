package io.stateguard.admission;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The serving certificate and key, read from their PEM files and checked before use: the key must
 * belong to the certificate and the certificate must not have expired. A pair read while a writer
 * is between the two files fails the check, so a half-rotated pair is never served.
 *
 * <p>The bytes that were checked are the bytes handed to the server ({@link #sslOptions()}), never
 * the paths, so a file changing between the check and the load cannot slip through.
 *
 * @param certPem the certificate chain, leaf first
 * @param keyPem the private key
 * @param leaf the serving certificate
 * @param fingerprint SHA-256 of the leaf certificate, for logs
 */
record ServingCertificate(Buffer certPem, Buffer keyPem, X509Certificate leaf, String fingerprint) {

  /** TLS 1.2 and 1.3 only, as the API server's client offers. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private static final String[] KEY_TYPES = {"EC", "RSA", "Ed25519", "EdDSA"};

  /**
   * Reads and checks the pair. Blocking.
   *
   * @throws IOException saying which file is missing or unreadable, or why the pair is not usable
   */
  static ServingCertificate read(Path certFile, Path keyFile, Vertx vertx, Clock clock)
      throws IOException {
    byte[] cert = readFile(certFile, "certificate");
    byte[] key = readFile(keyFile, "key");
    return of(cert, key, certFile + " and " + keyFile, vertx, clock);
  }

  /** As {@link #read}, from bytes; {@code where} names their source in messages. */
  static ServingCertificate of(byte[] cert, byte[] key, String where, Vertx vertx, Clock clock)
      throws IOException {
    Buffer certPem = Buffer.buffer(cert);
    Buffer keyPem = Buffer.buffer(key);
    X509KeyManager manager;
    try {
      KeyManagerFactory factory =
          new PemKeyCertOptions()
              .setCertValue(certPem)
              .setKeyValue(keyPem)
              .getKeyManagerFactory(vertx);
      manager = x509(factory.getKeyManagers());
    } catch (Exception e) {
      throw new IOException(where + ": not a PEM certificate and private key: " + reason(e), e);
    }
    String alias = alias(manager);
    if (alias == null) {
      throw new IOException(where + ": no private key with a certificate found");
    }
    X509Certificate[] chain = manager.getCertificateChain(alias);
    PrivateKey privateKey = manager.getPrivateKey(alias);
    if (chain == null || chain.length == 0 || privateKey == null) {
      throw new IOException(where + ": no private key with a certificate found");
    }
    X509Certificate leaf = chain[0];
    if (!matches(privateKey, leaf)) {
      throw new IOException(
          where
              + ": the private key does not belong to the certificate"
              + " (files being replaced? the pair is read again on the next check)");
    }
    Instant now = clock.instant();
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new IOException(
          where
              + ": the certificate expired at "
              + leaf.getNotAfter().toInstant()
              + "; the API server would refuse it");
    }
    return new ServingCertificate(certPem, keyPem, leaf, fingerprint(leaf));
  }

  /** The server's TLS options with this pair. */
  ServerSSLOptions sslOptions() {
    return new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(certPem).setKeyValue(keyPem))
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setUseAlpn(false);
  }

  /** What is wrong with serving this certificate at {@code now}: that it expired, or nothing. */
  Optional<String> expired(Instant now) {
    Instant notAfter = leaf.getNotAfter().toInstant();
    return notAfter.isBefore(now)
        ? Optional.of("the serving certificate expired at " + notAfter)
        : Optional.empty();
  }

  /** Whether the leaf is not yet valid at {@code now} (a clock ahead of the issuer's). */
  boolean notYetValid(Instant now) {
    return leaf.getNotBefore().toInstant().isAfter(now);
  }

  private static byte[] readFile(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("the " + what + " file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read the " + what + " file " + file + ": " + reason(e), e);
    }
  }

  private static X509KeyManager x509(KeyManager[] managers) throws IOException {
    for (KeyManager m : managers) {
      if (m instanceof X509KeyManager x) {
        return x;
      }
    }
    throw new IOException("no X.509 key manager");
  }

  private static String alias(X509KeyManager manager) {
    for (String type : KEY_TYPES) {
      String[] aliases = manager.getServerAliases(type, null);
      if (aliases != null && aliases.length > 0) {
        return aliases[0];
      }
    }
    return null;
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      return "unknown";
    }
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
