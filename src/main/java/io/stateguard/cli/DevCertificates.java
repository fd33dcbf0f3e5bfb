package io.stateguard.cli;

import io.stateguard.certs.CertificateFiles;
import io.stateguard.certs.SubjectNames;
import io.stateguard.certs.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Development certificates for {@code serve} started without certificate files: a CA and a serving
 * certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1} in a folder (see {@code
 * certs/README.md}), made when missing, unusable or close to expiry, reused otherwise, so that a
 * client trusting {@code ca.crt} keeps working across restarts.
 */
final class DevCertificates {

  /** How long a development serving certificate is valid. */
  static final Duration VALIDITY = Duration.ofDays(365);

  /** Renewed at start when it expires sooner than this. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /** The files to serve with, and the CA a client must trust. */
  record Files(Path cert, Path key, Path ca, TlsMaterial material) {}

  private DevCertificates() {}

  static Files ensure(Path dir, Clock clock) throws IOException {
    TlsMaterial material =
        CertificateFiles.readOrGenerate(
            dir, SubjectNames.localhost(), VALIDITY, RENEW_BEFORE, clock);
    return new Files(
        dir.resolve(CertificateFiles.TLS_CERT),
        dir.resolve(CertificateFiles.TLS_KEY),
        dir.resolve(CertificateFiles.CA_CERT),
        material);
  }
}
