package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stateguard.policy.Rule;
import io.stateguard.policy.rules.Rules;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The report command end to end: inputs, policies, formats and exit codes. */
class ReportCommandTest {

  private static final Path DIR = Path.of("src/test/resources/ReportCommandTest");
  private static final String BROKEN = DIR.resolve("quorum-broken.yaml").toString();
  private static final String CLEAN = DIR.resolve("clean.yaml").toString();
  private static final String WARNINGS = DIR.resolve("warnings-only.yaml").toString();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void exitsOneWhenAFindingIsEnforced() {
    int status = run("report", BROKEN, "--color", "never");

    assertThat(status).as("exit status; stderr: %s", err).isEqualTo(1);
    assertThat(out.toString())
        .contains("statefulset zk/zk")
        .contains("parallel-pod-management")
        .contains("pdb-quorum")
        .contains(BROKEN + ":9")
        .doesNotContain("\u001b[");
  }

  @Test
  void exitsZeroAndSaysSoWhenEverythingPasses() {
    int status = run("report", CLEAN, "--color", "never");

    assertThat(status).as("exit status; out: %s; err: %s", out, err).isZero();
    assertThat(out.toString()).contains("all passed");
  }

  @Test
  void failOnDecidesWhichSeverityFails() {
    assertThat(run("report", WARNINGS)).as("warnings pass by default").isZero();
    assertThat(run("report", WARNINGS, "--fail-on", "warning")).isEqualTo(1);
    assertThat(run("report", BROKEN, "--fail-on", "never")).isZero();
  }

  @Test
  void writesJsonToTheOutputFile(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("reports/out.json");

    int status = run("report", "-f", BROKEN, "--format", "json", "--output", file.toString());

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).as("nothing on stdout when --output is given").isEmpty();
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.path("summary").path("errors").asInt()).isEqualTo(6);
    assertThat(json.path("results").findValuesAsText("rule")).contains("known-traps", "pdb-quorum");
  }

  @Test
  void readsManifestsFromStandardInput() throws Exception {
    InputStream original = System.in;
    try {
      System.setIn(new ByteArrayInputStream(Files.readAllBytes(Path.of(BROKEN))));
      int status = run("report", "-f", "-", "--format", "json");

      assertThat(status).isEqualTo(1);
      assertThat(out.toString()).contains("\"file\": \"-\"").contains("parallel-pod-management");
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void unreadableInputExitsTwoButTheOtherFilesAreStillReported(@TempDir Path tmp) throws Exception {
    Path garbage = tmp.resolve("garbage.yaml");
    Files.write(garbage, new byte[] {0, 1, 2, 3});

    int status = run("report", BROKEN, garbage.toString(), "--format", "json");

    assertThat(status).isEqualTo(2);
    assertThat(out.toString()).contains("parallel-pod-management");
    assertThat(err.toString())
        .contains(garbage + ": binary data")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void badPoliciesExitTwoNamingFileLineAndField(@TempDir Path tmp) throws Exception {
    Files.writeString(
        tmp.resolve("mine.yaml"),
        "apiVersion: stateguard.io/v1\nkind: StatefulPolicy\nmetadata: {name: mine}\n"
            + "spec:\n  rules:\n    readines-probe: enforce\n",
        StandardCharsets.UTF_8);

    int status = run("report", BROKEN, "--policies", tmp.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("mine.yaml:6:5: spec.rules.readines-probe: unknown rule readines-probe")
        .contains("did you mean readiness-probe?")
        .doesNotContain("--debug");
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(run("report")).isEqualTo(2);
    assertThat(err.toString()).contains("no manifests given");

    assertThat(run("report", BROKEN, "--format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("'xml' is not a format");

    assertThat(run("report", BROKEN, "--fail-on", "sometimes")).isEqualTo(2);
  }

  @Test
  void rulesListsEveryRuleAndPrintsTheCatalogue() throws Exception {
    assertThat(run("rules")).isZero();
    for (Rule rule : Rules.all()) {
      assertThat(out.toString()).contains(rule.id());
    }

    StringWriter markdown = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(markdown, true));
    assertThat(cli.execute("rules", "--format", "markdown")).isZero();
    assertThat(markdown.toString()).isEqualTo(Files.readString(Path.of("docs/rules.md")));
  }

  @Test
  void theReadmeTableListsEveryReportOption() throws Exception {
    // Given the README's report section
    String readme = Files.readString(Path.of("README.md"));
    String section =
        readme.substring(
            readme.indexOf("## `stateguard report`"), readme.indexOf("## Run the webhook locally"));

    // Then each option of the command is a row of its table
    for (picocli.CommandLine.Model.OptionSpec option :
        Main.commandLine().getSubcommands().get("report").getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      assertThat(section)
          .as("README's report table lists %s", option.longestName())
          .containsPattern("\\| [^|\\n]*`" + java.util.regex.Pattern.quote(option.longestName()));
    }
  }
}
