package io.stateguard.cli;

import io.stateguard.certs.CertificateAuthority;
import io.stateguard.certs.CertificateFiles;
import io.stateguard.certs.SubjectNames;
import io.stateguard.certs.TlsMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stateguard certs}: TLS material for the admission webhook. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description = "Create the TLS certificates the admission webhook serves with.",
    subcommands = {CertsCommand.Generate.class})
final class CertsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'certs generate'");
  }

  /**
   * {@code stateguard certs generate}: a new CA and a serving certificate for a Service, as four
   * PEM files; the base64 caBundle on standard output, so it can be captured by a script.
   */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Generate a CA and a serving certificate for the webhook's Service (ECDSA P-256) and write"
            + " ca.crt, ca.key, tls.crt and tls.key into --out.",
        "Prints the base64 caBundle for the webhook configurations on standard output and what"
            + " was written on standard error.",
        "Exit status: 0 written, 2 bad usage or the files could not be written."
      })
  static final class Generate implements Callable<Integer> {

    static final int MIN_DAYS = 1;
    static final int MAX_DAYS = 3650;

    @Spec CommandSpec spec;

    @Option(
        names = "--service",
        required = true,
        paramLabel = "NAME",
        description = "Name of the webhook's Service (a DNS label).")
    String service;

    @Option(
        names = {"-n", "--namespace"},
        required = true,
        paramLabel = "NS",
        description = "Namespace of the Service.")
    String namespace;

    @Option(
        names = "--ip",
        paramLabel = "IP",
        description = "Also valid for this IP address (repeatable), e.g. 127.0.0.1.")
    List<String> ips = new ArrayList<>();

    @Option(
        names = "--days",
        defaultValue = "365",
        paramLabel = "N",
        description =
            "Days the serving certificate is valid, 1 to 3650 (the CA: 3650)."
                + " Default: ${DEFAULT-VALUE}.")
    int days;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Folder to write the four files into (created when missing).")
    Path out;

    @Option(names = "--force", description = "Replace certificate files already in --out.")
    boolean force;

    /** The clock the certificates are dated by (a parameter, so tests can fix it). */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      SubjectNames names;
      try {
        names = SubjectNames.forService(service, namespace, ips);
      } catch (IllegalArgumentException e) {
        return fail(e.getMessage());
      }
      if (days < MIN_DAYS || days > MAX_DAYS) {
        return fail("--days must be from " + MIN_DAYS + " to " + MAX_DAYS + ", was " + days);
      }
      if (Files.exists(out) && !Files.isDirectory(out)) {
        return fail(out + " is a file, not a folder: --out names the folder to write into");
      }
      List<Path> present = CertificateFiles.existing(out);
      if (!present.isEmpty() && !force) {
        return fail(
            out
                + " already holds "
                + present.stream()
                    .map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", "))
                + ": pass --force to replace them (a new CA also means a new caBundle for the"
                + " webhook configurations)");
      }
      CertificateAuthority ca = CertificateAuthority.generate(clock);
      TlsMaterial tls = ca.issue(names, Duration.ofDays(days), clock);
      List<Path> written;
      try {
        written = CertificateFiles.write(out, ca, tls, force);
      } catch (IOException e) {
        return fail("cannot write the certificates into " + out + ": " + describe(e));
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println(tls.caBundle());
      stdout.flush();
      PrintWriter err = spec.commandLine().getErr();
      for (Path file : written) {
        err.println("wrote " + file);
      }
      err.println(
          "serving certificate for "
              + String.join(", ", names.all())
              + ", valid until "
              + tls.certificate().getNotAfter().toInstant());
      err.println(
          "keep " + CertificateFiles.CA_KEY + " and " + CertificateFiles.TLS_KEY + " secret");
      err.flush();
      return 0;
    }

    private int fail(String message) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("stateguard: " + message);
      err.flush();
      return Main.EXIT_USAGE;
    }

    /** An I/O failure in words; the JDK's own messages are often just a path. */
    private static String describe(IOException e) {
      if (e instanceof AccessDeniedException a) {
        return "permission denied: " + a.getFile();
      }
      if (e instanceof NoSuchFileException f) {
        return "no such file or folder: " + f.getFile();
      }
      if (e instanceof NotDirectoryException f) {
        return "not a folder: " + f.getFile();
      }
      if (e instanceof FileAlreadyExistsException f) {
        return "already exists: " + f.getFile();
      }
      if (e instanceof FileSystemException f && f.getReason() != null) {
        return f.getFile() + ": " + f.getReason();
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }
}
