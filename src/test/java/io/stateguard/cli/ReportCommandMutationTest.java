package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The report's mutation options end to end, with a policy that adds anti-affinity to new quorum
 * sets.
 */
class ReportCommandMutationTest {

  private static final String BROKEN =
      Path.of("src/test/resources/ReportCommandTest/quorum-broken.yaml").toString();

  private static final String POLICIES =
      Path.of("src/test/resources/ReportCommandMutationTest/policies").toString();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] withPolicies = new String[args.length + 2];
    System.arraycopy(args, 0, withPolicies, 0, args.length);
    withPolicies[args.length] = "--policies";
    withPolicies[args.length + 1] = POLICIES;
    return cli.execute(withPolicies);
  }

  @Test
  void mutatesBeforeItValidatesByDefault() {
    run("report", BROKEN, "--color", "never");

    assertThat(out.toString())
        .as("stderr: %s", err)
        .contains("  mutated  anti-affinity\n")
        .doesNotContain("warning  anti-affinity")
        .contains(" 1 mutated)");
  }

  @Test
  void noMutateValidatesTheManifestAsWritten() {
    run("report", BROKEN, "--color", "never", "--no-mutate");

    assertThat(out.toString()).contains("anti-affinity").doesNotContain("mutated");
    assertThat(out.toString()).containsPattern("warning +anti-affinity +statefulset zk/zk");
  }

  @Test
  void showPatchesListsTheOperations() {
    run("report", BROKEN, "--color", "never", "--show-patches");

    assertThat(out.toString())
        .contains("           add /spec/template/spec/affinity {\"podAntiAffinity\":")
        .contains(
            "           add /metadata/annotations {\"stateguard.io/mutated\":\"anti-affinity\"}");
  }

  @Test
  void jsonCarriesThePatch() throws Exception {
    run("report", BROKEN, "--format", "json");

    JsonNode set = new ObjectMapper().readTree(out.toString()).at("/objects/0");
    assertThat(set.at("/object/kind").asText()).isEqualTo("StatefulSet");
    assertThat(set.get("mutations").toString()).isEqualTo("[\"anti-affinity\"]");
    assertThat(set.get("patch").findValuesAsText("path")).contains("/spec/template/spec/affinity");
  }

  @Test
  void mutateOutputWritesTheChangedManifestsAsWrittenPlusTheMutations(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("patched");

    int status = run("report", BROKEN, "--color", "never", "--mutate-output", target.toString());

    assertThat(status).isEqualTo(1);
    try (Stream<Path> files = Files.walk(target)) {
      assertThat(files.filter(Files::isRegularFile))
          .as("only the StatefulSet was changed")
          .containsExactly(target.resolve("zk/statefulset-zk.yaml"));
    }
    String text = Files.readString(target.resolve("zk/statefulset-zk.yaml"));
    assertThat(text).startsWith("# statefulset zk/zk from " + BROKEN + ":9\n");
    JsonNode written = new YAMLMapper().readTree(text);
    assertThat(written.at("/spec/podManagementPolicy").asText())
        .as("what the manifest says")
        .isEqualTo("Parallel");
    assertThat(written.at("/spec/revisionHistoryLimit").isMissingNode())
        .as("an API default the manifest does not say")
        .isTrue();
    assertThat(written.at("/spec/template/spec/affinity/podAntiAffinity").isObject()).isTrue();
  }

  @Test
  void auditEventsOfAReportCarryThePatch(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("decisions.jsonl");

    run("report", BROKEN, "--color", "never", "--audit-set", "file=" + file);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).as("one event per evaluated object; stderr: %s", err).hasSize(2);
    JsonNode set = new ObjectMapper().readTree(lines.get(0));
    assertThat(set.at("/data/patch").findValuesAsText("path"))
        .contains("/spec/template/spec/affinity");
    JsonNode pdb = new ObjectMapper().readTree(lines.get(1));
    assertThat(pdb.at("/data/patch").isNull() || pdb.at("/data/patch").isMissingNode())
        .as("a PDB is not mutated: %s", pdb.at("/data"))
        .isTrue();
  }

  @Test
  void refusesPatchOptionsTogetherWithNoMutate() {
    int status = run("report", BROKEN, "--no-mutate", "--show-patches");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--no-mutate makes no patches");
  }
}
