package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code stateguard report --audit}: the report's decisions as audit events. */
class ReportAuditTest {

  private static final String MANIFESTS = "src/test/resources/ReportAuditTest/manifests.yaml";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static List<JsonNode> events(Path file) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      events.add(JSON.readTree(line));
    }
    return events;
  }

  @Test
  void recordsOneEventPerDecisionWithStableIds() throws Exception {
    // Given an audit file for the report's decisions
    Path file = tmp.resolve("audit/decisions.jsonl");

    // When the same manifests are reported twice
    int status = run("report", MANIFESTS, "--audit-set", "file=" + file, "--color", "never");
    int again = run("report", MANIFESTS, "--audit-set", "audit.file=" + file, "--color", "never");
    assertThat(again).as("second run; stderr: %s", err).isEqualTo(1);

    // Then the report is unchanged, and each run recorded the StatefulSet and the PDB
    assertThat(status).as("exit status; stderr: %s", err).isEqualTo(1);
    assertThat(out.toString()).contains("pdb-quorum");
    List<JsonNode> events = events(file);
    assertThat(events).hasSize(4);
    JsonNode sts = events.get(0);
    assertThat(sts.get("type").asText()).isEqualTo("io.stateguard.admission.decision.v1");
    assertThat(sts.get("source").asText()).isEqualTo("/stateguard/default/report");
    assertThat(sts.get("subject").asText()).isEqualTo("apps/v1/StatefulSet/zk/zk");
    assertThat(sts.get("data").get("origin").asText()).isEqualTo("report");
    assertThat(sts.get("data").get("allowed").asBoolean()).isFalse();
    assertThat(sts.get("data").get("findings").findValuesAsText("rule"))
        .contains("parallel-pod-management");
    assertThat(sts.get("data").get("policyVersion").asText()).startsWith("sha256:");
    assertThat(events.get(1).get("subject").asText())
        .startsWith("policy/v1/PodDisruptionBudget/zk/");
    // And the ids are the same from one run to the next (a stable hash of the manifest)
    assertThat(events.get(2).get("id")).isEqualTo(sts.get("id"));
    assertThat(events.get(3).get("id")).isEqualTo(events.get(1).get("id"));
    assertThat(events.get(0).get("id")).isNotEqualTo(events.get(1).get("id"));
  }

  @Test
  void badAuditSettingsAreAUsageErrorNamingTheKey() {
    int status = run("report", MANIFESTS, "--audit-set", "durability=always");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("audit.durability=always: use async or sync");
  }
}
