package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.admission.ServeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The serve command's configuration: flags over variables, and bad values before any start. */
class ServeCommandTest {

  @TempDir Path certs;

  private final StringWriter err = new StringWriter();

  private CommandLine cli(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new ServeCommand(environment, certs));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @Test
  void aBadSettingExitsTwoNamingTheKeyTheValueAndWhatIsAllowed() {
    int status =
        cli(Map.of("STATEGUARD_LOG_FORMAT", "xml")).execute("--port", "99999", "--host", "::1");

    assertThat(status).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString())
        .contains(
            "stateguard: STATEGUARD_PORT=99999 (--port): out of range; allowed: an integer from 0"
                + " to 65535")
        .contains(
            "stateguard: STATEGUARD_LOG_FORMAT=xml (--log-format): not a log format; allowed:"
                + " text or json");
    assertThat(certs).isEmptyDirectory();
  }

  @Test
  void flagsWinOverVariablesAndOtherVariablesAreIgnored() {
    ServeCommand command =
        new ServeCommand(
            Map.of("STATEGUARD_PORT", "9000", "STATEGUARD_HOST", "10.0.0.1", "HOME", "/root"),
            certs);
    new CommandLine(command).parseArgs("--port", "9443");

    assertThat(command.settings())
        .isEqualTo(Map.of("STATEGUARD_PORT", "9443", "STATEGUARD_HOST", "10.0.0.1"));
  }

  @Test
  void everySettingIsAFlagOfServe() {
    Set<String> flags =
        new CommandLine(new ServeCommand(Map.of(), certs))
            .getCommandSpec().options().stream()
                .map(OptionSpec::longestName)
                .collect(Collectors.toSet());

    assertThat(flags)
        .containsAll(ServeConfig.SETTINGS.stream().map(ServeConfig.Setting::flag).toList());
  }

  @Test
  void everySettingIsInEachFlagsHelpAndInTheReadme() throws Exception {
    CommandLine cli = new CommandLine(new ServeCommand(Map.of(), certs));
    String readme = Files.readString(Path.of("README.md"));

    for (ServeConfig.Setting s : ServeConfig.SETTINGS) {
      OptionSpec option = cli.getCommandSpec().findOption(s.flag());
      assertThat(String.join(" ", option.description()))
          .as("help of %s names its variable", s.flag())
          .contains("[" + s.key() + "]");
      assertThat(readme)
          .as("README's serve table lists %s and %s", s.flag(), s.key())
          .contains("| `" + s.flag() + "`")
          .contains("`" + s.key() + "`");
    }
  }
}
