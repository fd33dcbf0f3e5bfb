package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableRendererTest {

  private static String render(Report report, boolean color) throws IOException {
    StringBuilder out = new StringBuilder();
    new TableRenderer().render(report, out, color);
    return out.toString();
  }

  @Test
  void groupsFindingsByObjectMostSevereFirstThenProblemsThenSummary() throws IOException {
    // Given three objects, one unreadable input and two skipped kinds
    Report report = Reports.sample();

    // When
    String table = render(report, false);

    // Then
    assertThat(table)
        .isEqualTo(
            """
            ok  statefulset db/pg (examples/pg.yaml:1)

            statefulset data/zk (examples/zk.yaml:1): denied
              error    parallel-pod-management  statefulset data/zk starts all 3 members at once \
            (podManagementPolicy: Parallel); a quorum workload bootstraps without quorum: set \
            podManagementPolicy: OrderedReady
              warning  readiness-probe          container zk of statefulset data/zk has no readiness \
            probe: add one
              info     image-tag                container zk of statefulset data/zk runs \
            zookeeper:latest: pin a version

            pdb data/zk-pdb (examples/zk.yaml:40): allowed
              warning  pdb-quorum               pdb data/zk-pdb allows 2 of 3 members of statefulset \
            data/zk down (minAvailable: 1); quorum needs 2 up: set minAvailable: 2 or \
            maxUnavailable: 1

            input problems
              examples/bad.yaml:3: not a Kubernetes object: it has no kind

            3 objects (1 denied), 1 error, 2 warnings, 1 info; 3 skipped (ConfigMap: 2, Service: 1); \
            1 input problem
            """);
  }

  @Test
  void namesLiveObjectsWithoutALocationAndAsAudited() throws IOException {
    // Given objects read from a cluster: one with findings, one exempt, one clean
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    Reports.ZK,
                    SourceLocation.of(Reports.ZK),
                    true,
                    List.of(Reports.PARALLEL),
                    Reports.STATEFULSET_RULES,
                    Optional.empty()),
                new ObjectReport(
                    Reports.ZK_PDB,
                    SourceLocation.of(Reports.ZK_PDB),
                    true,
                    List.of(Reports.PDB_QUORUM),
                    List.of("pdb-quorum"),
                    Optional.of("break-glass: restore")),
                new ObjectReport(
                    Reports.PG,
                    SourceLocation.of(Reports.PG),
                    true,
                    List.of(),
                    Reports.STATEFULSET_RULES,
                    Optional.empty())),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    // When
    String table = render(report, false);

    // Then
    assertThat(table)
        .startsWith("ok  statefulset db/pg\n")
        .contains("statefulset data/zk: audited\n")
        .contains("pdb data/zk-pdb: audited, exempt: break-glass: restore\n")
        .doesNotContain("(statefulset")
        .doesNotContain("denied");
  }

  @Test
  void colorsSeveritiesOnlyWhenAsked() throws IOException {
    // Given one denied set with a finding of each severity
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    Reports.ZK,
                    Reports.ZK_FILE,
                    false,
                    List.of(Reports.TAG, Reports.PROBE, Reports.PARALLEL),
                    Reports.STATEFULSET_RULES,
                    Optional.empty())),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    // When
    String plain = render(report, false);
    String colored = render(report, true);

    // Then errors are red, warnings yellow, info dim, and nothing is coloured without colour
    assertThat(plain).doesNotContain("\u001b");
    assertThat(colored)
        .isEqualTo(
            "\u001b[1mstatefulset data/zk\u001b[0m (examples/zk.yaml:1): \u001b[31mdenied\u001b[0m\n"
                + "  \u001b[31merror\u001b[0m    parallel-pod-management  "
                + Reports.PARALLEL.message()
                + "\n"
                + "  \u001b[33mwarning\u001b[0m  readiness-probe          "
                + Reports.PROBE.message()
                + "\n"
                + "  \u001b[2minfo\u001b[0m     image-tag                "
                + Reports.TAG.message()
                + "\n"
                + "\n"
                + "1 object (1 denied), \u001b[31m1 error\u001b[0m, \u001b[33m1 warning\u001b[0m,"
                + " \u001b[2m1 info\u001b[0m\n");
    assertThat(colored.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
  }

  @Test
  void saysPlainlyThatACleanRunPassed() throws IOException {
    // Given objects without findings, one with no rule applying to it
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    Reports.PG,
                    Reports.PG_FILE,
                    true,
                    List.of(),
                    Reports.STATEFULSET_RULES,
                    Optional.empty()),
                new ObjectReport(
                    Reports.ZK_PDB,
                    new SourceLocation("-", 0),
                    true,
                    List.of(),
                    List.of(),
                    Optional.empty())),
            List.of(),
            Map.of("ConfigMap", 1),
            Reports.CATALOGUE,
            "1.2.3");

    // When
    String table = render(report, false);

    // Then
    assertThat(table)
        .isEqualTo(
            """
            ok  statefulset db/pg (examples/pg.yaml:1)
            ok  pdb data/zk-pdb (-), no rules apply

            2 objects, 0 errors, 0 warnings, 0 info; 1 skipped (ConfigMap: 1); all passed
            """);
    assertThat(render(report, true)).contains("\u001b[32mall passed\u001b[0m");
  }

  @Test
  void saysSoWhenThereWasNothingToCheck() throws IOException {
    assertThat(render(Reports.empty(), false))
        .isEqualTo("0 objects, 0 errors, 0 warnings, 0 info; nothing to check\n");
  }

  @Test
  void doesNotCallARunWithOnlyInputProblemsPassed() throws IOException {
    // Given nothing readable at all
    Report report =
        new Report(List.of(), List.of(Reports.BAD), Map.of(), Reports.CATALOGUE, "1.2.3");

    // When
    String table = render(report, false);

    // Then
    assertThat(table)
        .isEqualTo(
            """
            input problems
              examples/bad.yaml:3: not a Kubernetes object: it has no kind

            0 objects, 0 errors, 0 warnings, 0 info; 1 input problem
            """);
  }

  @Test
  void showsTheExemptionThatAllowedAnObject() throws IOException {
    // Given a set with an enforced finding that a break-glass annotation let through
    Report report = Reports.exempt("break-glass: restoring from backup, INC-42");

    // When
    String table = render(report, false);

    // Then
    assertThat(table)
        .startsWith(
            "statefulset data/zk (examples/zk.yaml:1): allowed, exempt: break-glass: restoring"
                + " from backup, INC-42\n")
        .endsWith("1 object (1 exempt), 1 error, 0 warnings, 1 info\n");
  }

  @Test
  void keepsEveryMessageOnOneLineAndOutOfTheTerminalsControl() throws IOException {
    // Given messages, names, files, kinds and reasons holding line breaks, escapes and bidi
    // controls
    Report report = Reports.odd();

    // When
    String table = render(report, false);

    // Then no control character but the line ends survives, and nothing reorders the text
    assertThat(table.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f)).isEmpty();
    assertThat(table).doesNotContain("\u202e", "\u2028", "\uD83D of");
    assertThat(table)
        .contains(
            "  warning  readiness-probe  say \"no\" & <b>'stop'</b>\\nline two\\r\\n\\ttabbed"
                + " \\u001b[31mred\\u001b[0m nul\\u0000 bell\\u0007 del\\u007f rtl\\u202eevil\\u202c"
                + " sep\\u2028 ünïcødé 漢字 🚀 ]]>\n")
        .contains("  info     image-tag        half \uFFFD of a pair\n")
        .contains("1 skipped (Weird<Kind>\\n: 1)");
    // each finding is one line: 2 objects' headers and findings, 3 problems, blank lines, summary
    assertThat(table.lines().filter(l -> l.startsWith("  "))).hasSize(3 + 3);
  }

  @Test
  void alignsRuleColumnsAcrossObjects() throws IOException {
    // Given rule ids of different lengths on different objects
    Finding shortRule =
        new Finding("resources", Mode.WARN, "container zk sets no limits", "", Reports.ZK, "");
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    Reports.ZK,
                    Reports.ZK_FILE,
                    true,
                    List.of(shortRule),
                    List.of("resources"),
                    Optional.empty()),
                new ObjectReport(
                    Reports.ZK_PDB,
                    Reports.ZK_PDB_FILE,
                    true,
                    List.of(Reports.PDB_QUORUM),
                    List.of("pdb-quorum"),
                    Optional.empty())),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    // When
    List<String> findingLines =
        render(report, false).lines().filter(l -> l.startsWith("  ")).toList();

    // Then messages start in the same column
    assertThat(findingLines)
        .containsExactly(
            "  warning  resources   container zk sets no limits",
            "  warning  pdb-quorum  " + Reports.PDB_QUORUM.message());
  }
}
