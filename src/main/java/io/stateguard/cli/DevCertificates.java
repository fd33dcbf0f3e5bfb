package io.stateguard.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** Development certificates for {@code serve} without certificate files. */
final class DevCertificates {

  /** The serving certificate chain and key to serve with. */
  record Files(Path cert, Path key) {}

  private DevCertificates() {}

  static Files ensure(Path dir, Clock clock) throws IOException {
    throw new IOException(
        "no certificate files given: pass --tls-cert and --tls-key (or STATEGUARD_TLS_CERT and"
            + " STATEGUARD_TLS_KEY)");
  }
}
