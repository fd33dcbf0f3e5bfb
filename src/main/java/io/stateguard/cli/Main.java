package io.stateguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stateguard} command. */
@Command(
    name = "stateguard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Admission control for stateful workloads on Kubernetes.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"stateguard " + (v == null ? "dev" : v)};
    }
  }
}
