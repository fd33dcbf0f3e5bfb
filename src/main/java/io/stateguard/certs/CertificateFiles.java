package io.stateguard.certs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The four PEM files of a certificate folder, named as the keys of a Kubernetes TLS Secret (and
 * cert-manager's): {@code ca.crt}, {@code ca.key}, {@code tls.crt}, {@code tls.key}.
 *
 * <p>Each file is written to a temporary file in the same folder ({@code .NAME.*.tmp}, which a
 * folder watcher should ignore), flushed to disk, then renamed over the old one, so a reader never
 * sees half a file. The files are written in the order {@code ca.crt}, {@code ca.key}, {@code
 * tls.key}, {@code tls.crt}: a watcher that reloads on a change of {@code tls.crt} sees the
 * complete new set, and one that reads in between gets an error from {@link #read(Path)} (key and
 * certificate do not match) rather than a wrong pair. Keys are readable by their owner only ({@code
 * rw-------}) and certificates by all ({@code rw-r--r--}), where the file system has POSIX
 * permissions.
 */
public final class CertificateFiles {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  /** The four files, in the order they are written. */
  public static final List<String> NAMES = List.of(CA_CERT, CA_KEY, TLS_KEY, TLS_CERT);

  private static final Set<PosixFilePermission> KEY_PERMISSIONS =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> CERT_PERMISSIONS =
      PosixFilePermissions.fromString("rw-r--r--");

  private CertificateFiles() {}

  /** Those of the four files that already exist in {@code dir}, in {@link #NAMES} order. */
  public static List<Path> existing(Path dir) {
    List<Path> found = new ArrayList<>();
    for (String name : NAMES) {
      Path file = dir.resolve(name);
      if (Files.exists(file)) {
        found.add(file);
      }
    }
    return found;
  }

  /**
   * Writes {@code ca}'s certificate and key and {@code tls}'s chain and key into {@code dir},
   * creating the folder when needed.
   *
   * @param overwrite whether existing files may be replaced; when false and any of the four exists,
   *     nothing is written
   * @return the files written, in the order written
   * @throws FileAlreadyExistsException when {@code overwrite} is false and a file exists
   * @throws IllegalArgumentException when {@code tls} was not issued by {@code ca}
   */
  public static List<Path> write(
      Path dir, CertificateAuthority ca, TlsMaterial tls, boolean overwrite) throws IOException {
    if (!tls.caCertificate().equals(ca.certificate())) {
      throw new IllegalArgumentException(
          "the serving certificate's CA is not the CA being written");
    }
    Files.createDirectories(dir);
    List<Path> present = existing(dir);
    if (!overwrite && !present.isEmpty()) {
      throw new FileAlreadyExistsException(
          present.get(0).toString(),
          null,
          "already exists; refusing to replace certificate files without being asked to");
    }
    List<Path> written = new ArrayList<>();
    for (String name : NAMES) {
      String text =
          switch (name) {
            case CA_CERT -> ca.certificatePem();
            case CA_KEY -> ca.privateKeyPem();
            case TLS_KEY -> tls.privateKeyPem();
            case TLS_CERT -> tls.chainPem();
            default -> throw new IllegalStateException(name);
          };
      Path file = dir.resolve(name);
      writeAtomically(file, text, name.endsWith(".key") ? KEY_PERMISSIONS : CERT_PERMISSIONS);
      written.add(file);
    }
    return written;
  }

  /**
   * Writes a trust bundle ({@code ca.crt}, possibly several CAs) and a serving pair ({@code
   * tls.key}, {@code tls.crt}) into {@code dir}, in that order, each file only when its content
   * differs, so a folder watcher sees a change only when there is one. No CA key is written: the
   * folder is what the HTTPS server reads, and it needs none.
   *
   * @return whether any file changed
   */
  static boolean writeServing(Path dir, String bundlePem, TlsMaterial tls) throws IOException {
    Files.createDirectories(dir);
    boolean changed = false;
    for (String name : List.of(CA_CERT, TLS_KEY, TLS_CERT)) {
      String text =
          switch (name) {
            case CA_CERT -> bundlePem;
            case TLS_KEY -> tls.privateKeyPem();
            default -> tls.chainPem();
          };
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)
          && Files.readString(file, StandardCharsets.US_ASCII).equals(text)) {
        continue;
      }
      writeAtomically(file, text, name.endsWith(".key") ? KEY_PERMISSIONS : CERT_PERMISSIONS);
      changed = true;
    }
    return changed;
  }

  /**
   * Reads {@code ca.crt}, {@code tls.crt} and {@code tls.key} from {@code dir}.
   *
   * @throws IOException naming the file that is missing or unreadable, or saying why the three do
   *     not belong together
   */
  public static TlsMaterial read(Path dir) throws IOException {
    return read(dir.resolve(CA_CERT), dir.resolve(TLS_CERT), dir.resolve(TLS_KEY));
  }

  /** As {@link #read(Path)}, from three files anywhere. */
  public static TlsMaterial read(Path caFile, Path certFile, Path keyFile) throws IOException {
    return parse(
        readText(caFile), caFile.toString(),
        readText(certFile), certFile.toString(),
        readText(keyFile), keyFile.toString());
  }

  /** Reads the CA ({@code ca.crt} and {@code ca.key}) from {@code dir}, to issue from it. */
  public static CertificateAuthority readAuthority(Path dir) throws IOException {
    Path certFile = dir.resolve(CA_CERT);
    Path keyFile = dir.resolve(CA_KEY);
    List<X509Certificate> certificates =
        Pem.readCertificates(readText(certFile), certFile.toString());
    PrivateKey key = Pem.readPrivateKey(readText(keyFile), keyFile.toString());
    if (certificates.size() != 1) {
      throw new IOException(certFile + " holds " + certificates.size() + " certificates, not 1");
    }
    try {
      return new CertificateAuthority(certificates.get(0), key);
    } catch (IllegalArgumentException e) {
      throw new IOException(certFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * The material in {@code dir} when it is complete, readable, covers {@code names} and is good for
   * longer than {@code renewBefore}; otherwise a new serving certificate, valid for {@code
   * validity}, written over the old files. The CA in {@code dir} is kept when it is readable and
   * outlives the new serving certificate (so clients that trust it keep working), else replaced
   * too. Meant for a folder that stateguard owns (development certificates): whatever else is there
   * is replaced.
   */
  public static TlsMaterial readOrGenerate(
      Path dir, SubjectNames names, Duration validity, Duration renewBefore, Clock clock)
      throws IOException {
    if (existing(dir).size() == NAMES.size()) {
      try {
        TlsMaterial current = read(dir);
        if (!current.needsRenewal(clock, renewBefore, names)) {
          return current;
        }
      } catch (IOException e) {
        // Unreadable or mismatched files: replaced below.
      }
    }
    CertificateAuthority ca = reusableAuthority(dir, validity, clock);
    TlsMaterial tls = ca.issue(names, validity, clock);
    write(dir, ca, tls, true);
    return tls;
  }

  /** The CA in {@code dir} if it outlives a serving certificate valid for {@code validity}. */
  private static CertificateAuthority reusableAuthority(Path dir, Duration validity, Clock clock) {
    try {
      CertificateAuthority ca = readAuthority(dir);
      if (ca.certificate().getNotAfter().toInstant().isAfter(clock.instant().plus(validity))) {
        return ca;
      }
    } catch (IOException | RuntimeException e) {
      // No usable CA: a new one is generated.
    }
    return CertificateAuthority.generate(clock);
  }

  static TlsMaterial parse(
      String caPem,
      String caSource,
      String chainPem,
      String chainSource,
      String keyPem,
      String keySource)
      throws IOException {
    List<X509Certificate> cas = Pem.readCertificates(caPem, caSource);
    List<X509Certificate> chain = Pem.readCertificates(chainPem, chainSource);
    PrivateKey key = Pem.readPrivateKey(keyPem, keySource);
    if (cas.size() != 1) {
      throw new IOException(caSource + " holds " + cas.size() + " certificates, not 1");
    }
    try {
      return new TlsMaterial(cas.get(0), chain, key);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          caSource + ", " + chainSource + " and " + keySource + ": " + e.getMessage(), e);
    }
  }

  private static String readText(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "not found");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(file.toString(), null, "permission denied");
    }
  }

  private static void writeAtomically(Path file, String text, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    // Created owner-only from the start, so a key is never readable by others, even briefly.
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(KEY_PERMISSIONS)}
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      if (posix) {
        Files.setPosixFilePermissions(temp, mode);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
