package io.stateguard.admission;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The test CA and its two serving certificates (see {@code src/test/resources/TestTls/README.md}):
 * both name {@code localhost}, {@code 127.0.0.1} and the Service names of {@code
 * stateguard.stateguard}.
 */
final class TestTls {

  /** A name in both certificates' SANs that is not the address connected to. */
  static final String SAN_HOST = "stateguard.stateguard.svc";

  private TestTls() {}

  static Path file(String name) {
    try {
      return Path.of(TestTls.class.getResource("/TestTls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path ca() {
    return file("ca.crt");
  }

  /**
   * Writes serving pair {@code n} (1 or 2) as {@code tls.crt} and {@code tls.key} into {@code dir},
   * each file replaced in one rename, the key first (as a careful rotation does).
   */
  static void install(int n, Path dir) {
    write(file("tls" + n + ".key"), dir.resolve("tls.key"));
    write(file("tls" + n + ".crt"), dir.resolve("tls.crt"));
  }

  static void write(Path from, Path to) {
    try {
      Path temp = Files.createTempFile(to.getParent(), ".rotate", ".tmp");
      Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
