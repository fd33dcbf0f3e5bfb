package io.stateguard.certs;

import static io.stateguard.certs.CertificateIssuingTest.CLOCK;
import static io.stateguard.certs.CertificateIssuingTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateFilesTest {

  @TempDir Path dir;

  private final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  private final TlsMaterial tls =
      ca.issue(
          SubjectNames.forService("sg", "ops", List.of("127.0.0.1")), Duration.ofDays(30), CLOCK);

  @Test
  void writesTheFourFilesAndReadsTheSameMaterialBack() throws IOException {
    List<Path> written = CertificateFiles.write(dir, ca, tls, false);
    TlsMaterial read = CertificateFiles.read(dir);
    CertificateAuthority readCa = CertificateFiles.readAuthority(dir);

    assertThat(written)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("ca.crt", "ca.key", "tls.key", "tls.crt");
    assertThat(read.caCertificate()).isEqualTo(ca.certificate());
    assertThat(read.chain()).isEqualTo(tls.chain());
    assertThat(read.privateKey().getEncoded()).isEqualTo(tls.privateKey().getEncoded());
    assertThat(readCa.certificate()).isEqualTo(ca.certificate());
    assertThat(readCa.privateKey().getEncoded()).isEqualTo(ca.privateKey().getEncoded());
    assertThat(read.caBundle()).isEqualTo(tls.caBundle());
  }

  @Test
  void keysArePkcs8PemThatThePlainJdkReads() throws Exception {
    CertificateFiles.write(dir, ca, tls, false);

    for (String name : List.of("tls.key", "ca.key")) {
      String pem = Files.readString(dir.resolve(name));
      assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
      assertThat(pem.strip()).endsWith("-----END PRIVATE KEY-----");
      String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      var key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      assertThat(key.getAlgorithm()).isEqualTo("EC");
    }
  }

  @Test
  void certificatesArePemThatThePlainJdkReads() throws Exception {
    CertificateFiles.write(dir, ca, tls, false);

    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<Certificate> chain =
        new ArrayList<>(
            factory.generateCertificates(
                new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tls.crt")))));
    var caCert =
        (X509Certificate)
            factory.generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt"))));
    assertThat(chain).containsExactly((Certificate) tls.certificate());
    assertThat(caCert).isEqualTo(ca.certificate());
  }

  @Test
  void keysAreOwnerOnlyAndCertificatesWorldReadable() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));

    CertificateFiles.write(dir, ca, tls, false);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))))
        .isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.crt"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void replacingAKeyFileResetsItsPermissions() throws IOException {
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    CertificateFiles.write(dir, ca, tls, false);
    Files.setPosixFilePermissions(
        dir.resolve("tls.key"), PosixFilePermissions.fromString("rw-rw-rw-"));

    CertificateFiles.write(
        dir, ca, ca.issue(SubjectNames.localhost(), Duration.ofDays(1), CLOCK), true);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    CertificateFiles.write(dir, ca, tls, false);
    CertificateFiles.write(dir, ca, tls, true);

    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.crt", "ca.key", "tls.crt", "tls.key");
    }
  }

  @Test
  void createsTheFolderWhenMissing() throws IOException {
    Path nested = dir.resolve("a/b/certs");

    CertificateFiles.write(nested, ca, tls, false);

    assertThat(CertificateFiles.existing(nested)).hasSize(4);
  }

  @Test
  void refusesToOverwriteWithoutBeingAskedAndLeavesTheOldFilesAlone() throws IOException {
    Files.writeString(dir.resolve("tls.crt"), "old");

    assertThatThrownBy(() -> CertificateFiles.write(dir, ca, tls, false))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("tls.crt");
    assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo("old");
    assertThat(CertificateFiles.existing(dir)).containsExactly(dir.resolve("tls.crt"));
  }

  @Test
  void overwritesWhenAsked() throws IOException {
    CertificateFiles.write(dir, ca, tls, false);
    CertificateAuthority newCa = CertificateAuthority.generate(CLOCK);
    TlsMaterial newTls = newCa.issue(SubjectNames.localhost(), Duration.ofDays(1), CLOCK);

    CertificateFiles.write(dir, newCa, newTls, true);

    assertThat(CertificateFiles.read(dir).certificate()).isEqualTo(newTls.certificate());
  }

  @Test
  void refusesToWriteMaterialWithAnotherCa() {
    CertificateAuthority other = CertificateAuthority.generate(CLOCK);

    assertThatThrownBy(() -> CertificateFiles.write(dir, other, tls, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readingAHalfRotatedFolderFailsNamingTheFiles() throws IOException {
    // Given a new key written next to the old certificate (a rotation caught half-way)
    CertificateFiles.write(dir, ca, tls, false);
    TlsMaterial next = ca.issue(SubjectNames.localhost(), Duration.ofDays(1), CLOCK);
    Files.writeString(dir.resolve("tls.key"), next.privateKeyPem());

    // Then reading refuses the pair instead of returning a server that cannot handshake
    assertThatThrownBy(() -> CertificateFiles.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tls.key")
        .hasMessageContaining("the private key does not belong to the serving certificate");
  }

  @Test
  void readingAMissingFileSaysWhichOne() throws IOException {
    CertificateFiles.write(dir, ca, tls, false);
    Files.delete(dir.resolve("tls.key"));

    assertThatThrownBy(() -> CertificateFiles.read(dir))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(dir.resolve("tls.key") + ": not found");
  }

  @Test
  void readingGarbageSaysWhatIsWrong() throws IOException {
    CertificateFiles.write(dir, ca, tls, false);
    Files.writeString(dir.resolve("tls.crt"), "not a certificate\n");
    Files.writeString(dir.resolve("ca.crt"), tls.privateKeyPem());

    assertThatThrownBy(() -> CertificateFiles.read(dir))
        .hasMessage(
            dir.resolve("ca.crt") + " holds a PrivateKeyInfo where only certificates belong");
    Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
    assertThatThrownBy(() -> CertificateFiles.read(dir))
        .hasMessage(dir.resolve("tls.crt") + " holds no PEM certificate (BEGIN CERTIFICATE)");
  }

  @Test
  void readsKeysInTheOlderSec1Form() throws Exception {
    // Given tls.key as `openssl ecparam -genkey` writes it (BEGIN EC PRIVATE KEY)
    CertificateFiles.write(dir, ca, tls, false);
    Files.writeString(dir.resolve("tls.key"), Sec1.encode((ECPrivateKey) tls.privateKey()));

    // (reading also proves the key matches tls.crt: TlsMaterial checks it)
    var read = (ECPrivateKey) CertificateFiles.read(dir).privateKey();
    assertThat(read.getS()).isEqualTo(((ECPrivateKey) tls.privateKey()).getS());
  }

  @Test
  void fromPemReadsWhatTheAccessorsWrite() throws IOException {
    TlsMaterial parsed = TlsMaterial.fromPem(tls.caPem(), tls.chainPem(), tls.privateKeyPem());

    assertThat(parsed.chain()).isEqualTo(tls.chain());
    assertThat(parsed.caCertificate()).isEqualTo(tls.caCertificate());
  }

  @Test
  void readOrGenerateCreatesMaterialOnceAndThenReusesIt() throws IOException {
    Path devDir = dir.resolve("certs");

    TlsMaterial first =
        CertificateFiles.readOrGenerate(
            devDir, SubjectNames.localhost(), Duration.ofDays(365), Duration.ofDays(30), CLOCK);
    TlsMaterial again =
        CertificateFiles.readOrGenerate(
            devDir, SubjectNames.localhost(), Duration.ofDays(365), Duration.ofDays(30), CLOCK);

    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(first.renewalReason(CLOCK, Duration.ofDays(30), SubjectNames.localhost())).isEmpty();
  }

  @Test
  void readOrGenerateRenewsTheServingCertificateButKeepsALongLivedCa() throws IOException {
    TlsMaterial first =
        CertificateFiles.readOrGenerate(
            dir, SubjectNames.localhost(), Duration.ofDays(365), Duration.ofDays(30), CLOCK);
    Clock renewalDue = Clock.fixed(NOW.plus(Duration.ofDays(340)), ZoneOffset.UTC);

    TlsMaterial renewed =
        CertificateFiles.readOrGenerate(
            dir, SubjectNames.localhost(), Duration.ofDays(365), Duration.ofDays(30), renewalDue);

    assertThat(renewed.certificate()).isNotEqualTo(first.certificate());
    assertThat(renewed.caCertificate()).isEqualTo(first.caCertificate());
    assertThat(CertificateFiles.read(dir).certificate()).isEqualTo(renewed.certificate());
  }

  @Test
  void readOrGenerateReplacesUnreadableFiles() throws IOException {
    for (String name : CertificateFiles.NAMES) {
      Files.writeString(dir.resolve(name), "garbage", StandardCharsets.US_ASCII);
    }

    TlsMaterial material =
        CertificateFiles.readOrGenerate(
            dir, SubjectNames.localhost(), Duration.ofDays(365), Duration.ofDays(30), CLOCK);

    assertThat(CertificateFiles.read(dir).certificate()).isEqualTo(material.certificate());
  }
}
