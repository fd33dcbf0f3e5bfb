package io.stateguard.cli;

import io.stateguard.config.PolicyException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stateguard} command. Exit codes: 0 nothing at or above the failure threshold, 1
 * findings, 2 bad usage or unreadable input.
 */
@Command(
    name = "stateguard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Admission control for stateful workloads on Kubernetes.",
    subcommands = {
      ReportCommand.class,
      RulesCommand.class,
      ServeCommand.class,
      CertsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  /** Findings at or above the failure threshold. */
  static final int EXIT_FINDINGS = 1;

  /** Bad usage, unreadable input or a failure of the program. */
  static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, with stateguard's exit codes and one-line errors. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExitCodeExceptionMapper(e -> EXIT_USAGE);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("stateguard: " + oneLine(e));
          if (parseResult.hasMatchedOption("--debug")) {
            e.printStackTrace(err);
          } else if (!expected(e)) {
            err.println("(run with --debug for details)");
          }
          err.flush();
          return EXIT_USAGE;
        });
    return cli;
  }

  /** Failures whose message says all there is: bad policies, unreadable or unwritable files. */
  private static boolean expected(Throwable e) {
    return e instanceof PolicyException || e instanceof IOException;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"stateguard " + version()};
    }
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
