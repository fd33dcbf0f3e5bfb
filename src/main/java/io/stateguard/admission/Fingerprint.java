package io.stateguard.admission;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A digest of what files hold, to notice that they changed. Content, not modification times: a
 * Kubernetes Secret or ConfigMap volume swaps a symbolic link to a new folder (times may not move
 * forward), and two writes within a file system's time resolution look the same by time alone.
 * Blocking file I/O.
 */
final class Fingerprint {

  private Fingerprint() {}

  /**
   * The digest of {@code paths}: for a file its name and bytes, for a folder those of each regular
   * file directly inside whose name does not start with a dot, sorted by name. A missing path
   * counts as such, so appearing and disappearing are changes too.
   */
  static String of(List<Path> paths) throws IOException {
    MessageDigest digest = sha256();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(path)) {
          files =
              listing
                  .filter(p -> !p.getFileName().toString().startsWith("."))
                  .filter(Files::isRegularFile)
                  .sorted()
                  .toList();
        }
        for (Path file : files) {
          add(digest, file);
        }
      } else {
        add(digest, path);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void add(MessageDigest digest, Path file) throws IOException {
    byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(name.length).array());
    digest.update(name);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      digest.update(ByteBuffer.allocate(Long.BYTES).putLong(-1).array());
      return;
    }
    digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
