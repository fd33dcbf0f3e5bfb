package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.certs.CertificateFiles;
import io.stateguard.certs.TlsMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CertsCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** The clock certificates are dated by; null for the real one. */
  private Clock clock;

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    if (clock != null) {
      CertsCommand.Generate generate =
          cli.getSubcommands().get("certs").getSubcommands().get("generate").getCommand();
      generate.clock = clock;
    }
    return cli.execute(args);
  }

  /** {@code certs generate} for Service stateguard in stateguard-system, with {@code extra}. */
  private int generate(String... extra) {
    return generateFor("stateguard", "stateguard-system", extra);
  }

  private int generateFor(String service, String namespace, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "certs",
                "generate",
                "--service",
                service,
                "--namespace",
                namespace,
                "--out",
                dir.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void writesTheFourFilesAndPrintsOnlyTheCaBundleOnStdout() throws Exception {
    Instant before = Instant.now();

    int exit = generate("--ip", "127.0.0.1", "--ip", "10.96.0.10", "--days", "30");

    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(CertificateFiles.existing(dir)).hasSize(4);
    String caPem = Files.readString(dir.resolve("ca.crt"));
    assertThat(out.toString())
        .isEqualTo(
            Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII))
                + System.lineSeparator());
    TlsMaterial written = CertificateFiles.read(dir);
    assertThat(written.certificate().getSubjectAlternativeNames())
        .extracting(san -> (Object) san.get(1))
        .containsExactly(
            (Object) "stateguard",
            "stateguard.stateguard-system",
            "stateguard.stateguard-system.svc",
            "stateguard.stateguard-system.svc.cluster.local",
            "localhost",
            "127.0.0.1",
            "10.96.0.10");
    Instant notAfter = written.certificate().getNotAfter().toInstant();
    assertThat(notAfter)
        .isBetween(
            before.plus(Duration.ofDays(30)).minusSeconds(1),
            Instant.now().plus(Duration.ofDays(30)));
    assertThat(err.toString())
        .contains("wrote " + dir.resolve("tls.key"))
        .contains("valid until " + notAfter)
        .contains("keep ca.key and tls.key secret");
  }

  @Test
  void datesTheCertificatesByTheClockAndDefaultsTo365Days() throws IOException {
    Instant now = Instant.parse("2026-05-04T03:02:01Z");
    clock = Clock.fixed(now, ZoneOffset.UTC);

    int exit = generate();

    assertThat(exit).isZero();
    var cert = CertificateFiles.read(dir).certificate();
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(365)));
    assertThat(err.toString()).contains("valid until 2027-05-04T03:02:01Z");
  }

  @Test
  void refusesToOverwriteExistingFilesWithoutForce() throws IOException {
    generate();
    byte[] firstCa = Files.readAllBytes(dir.resolve("ca.crt"));
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);

    int exit = generate();

    assertThat(exit).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualTo(
            "stateguard: "
                + dir
                + " already holds ca.crt, ca.key, tls.key, tls.crt: pass --force to replace them"
                + " (a new CA also means a new caBundle for the webhook configurations)"
                + System.lineSeparator());
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(firstCa);
  }

  @Test
  void replacesExistingFilesWithForce() throws IOException {
    generate();
    byte[] firstCa = Files.readAllBytes(dir.resolve("ca.crt"));

    int exit = generate("--force");

    assertThat(exit).isZero();
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(firstCa);
  }

  @Test
  void badValuesAreOneLineErrorsWithExitTwo() {
    for (String[] bad :
        List.of(
            new String[] {"sg", "ops", "--ip", "300.1.1.1"},
            new String[] {"sg", "ops", "--ip", "example.com"},
            new String[] {"sg", "ops", "--days", "0"},
            new String[] {"sg", "ops", "--days", "3651"},
            new String[] {"Web_Hook", "ops"},
            new String[] {"sg", "-ops"},
            new String[] {"sg", "ops.svc"})) {
      err.getBuffer().setLength(0);

      int exit = generateFor(bad[0], bad[1], Arrays.copyOfRange(bad, 2, bad.length));

      assertThat(exit).as("exit for %s", List.of(bad)).isEqualTo(2);
      assertThat(err.toString().lines()).as("stderr for %s", List.of(bad)).hasSize(1);
      assertThat(err.toString()).startsWith("stateguard: ");
      assertThat(CertificateFiles.existing(dir)).isEmpty();
    }
  }

  @Test
  void namesTheBadValueAndWhatIsAllowed() {
    generate("--ip", "300.1.1.1");
    generate("--days", "4000");
    generateFor("Web_Hook", "ops");

    assertThat(err.toString().lines())
        .containsExactly(
            "stateguard: '300.1.1.1' is not an IP address: use an IPv4 (10.0.0.1) or IPv6"
                + " (fd00::1) literal",
            "stateguard: --days must be from 1 to 3650, was 4000",
            "stateguard: service name 'Web_Hook' is not a valid DNS label: use at most 63"
                + " lowercase letters, digits and '-', starting with a letter and ending with a"
                + " letter or digit");
  }

  @Test
  void anUnwritableOutputFolderIsAOneLineError() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");

    int exit =
        run(
            "certs",
            "generate",
            "--service",
            "sg",
            "--namespace",
            "ops",
            "--out",
            file.resolve("certs").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("stateguard: cannot write the certificates into " + file.resolve("certs"));
  }

  @Test
  void anOutputThatIsAFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");

    int exit =
        run("certs", "generate", "--service", "sg", "--namespace", "ops", "--out", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(file + " is a file, not a folder");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void missingRequiredOptionsAreUsageErrors() {
    int exit = run("certs", "generate", "--service", "sg");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required options").contains("--namespace");
  }

  @Test
  void certsWithoutASubcommandIsAUsageError() {
    int exit = run("certs");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("missing subcommand");
  }

  @Test
  void leavesNothingButTheFourFiles() throws IOException {
    generate();

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("ca.crt", "ca.key", "tls.crt", "tls.key");
    }
  }
}
