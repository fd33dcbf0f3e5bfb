package io.stateguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The human format: objects that passed as one "ok" line each, then each object with findings (its
 * name, where it was read and whether the cluster would admit it) and one line per finding, most
 * severe first; then the inputs that could not be read; last a one-line summary, so that what needs
 * attention ends up next to the prompt. An object a mutation changed has a "mutated" line naming
 * the mutations, followed, when asked for, by its patch operations. Colour (ANSI) only when asked
 * for.
 */
final class TableRenderer implements Renderer {

  private static final int SEVERITY_WIDTH = "warning".length();

  @Override
  public void render(Report report, Appendable out, boolean color) throws IOException {
    render(report, out, new Options(color, false));
  }

  @Override
  public void render(Report report, Appendable out, Options options) throws IOException {
    Style style = options.color() ? Style.ANSI : Style.PLAIN;
    boolean patches = options.showPatches();
    List<String> blocks = new ArrayList<>();

    String passed =
        report.objects().stream()
            .filter(o -> o.findings().isEmpty())
            .map(o -> passedLine(o, style) + mutationLines(o, patches))
            .collect(Collectors.joining());
    if (!passed.isEmpty()) {
      blocks.add(passed);
    }
    int ruleWidth =
        report.findings().stream().mapToInt(f -> Text.printable(f.rule()).length()).max().orElse(0);
    for (ObjectReport object : report.objects()) {
      if (!object.findings().isEmpty()) {
        blocks.add(findingsBlock(object, ruleWidth, style, patches));
      }
    }
    if (!report.problems().isEmpty()) {
      StringBuilder problems = new StringBuilder(style.bold("input problems")).append('\n');
      for (LoadProblem problem : report.problems()) {
        problems
            .append("  ")
            .append(style.red(Text.printable(problem.source().toString())))
            .append(": ")
            .append(Text.printable(problem.message()))
            .append('\n');
      }
      blocks.add(problems.toString());
    }
    blocks.add(summaryLine(report, style) + "\n");
    out.append(String.join("\n", blocks));
  }

  private static String passedLine(ObjectReport object, Style style) {
    return style.green("ok")
        + "  "
        + Text.printable(object.object().toString())
        + where(object)
        + (object.rulesChecked().isEmpty() ? ", no rules apply" : "")
        + "\n";
  }

  /**
   * {@code mutated anti-affinity, pvc-retention} under a mutated object, aligned with the severity
   * column, and with {@code patches} one line per patch operation below it.
   */
  private static String mutationLines(ObjectReport object, boolean patches) {
    if (!object.mutated()) {
      return "";
    }
    StringBuilder lines =
        new StringBuilder("  mutated  ")
            .append(Text.printable(String.join(", ", object.mutations())))
            .append('\n');
    if (patches) {
      for (JsonNode op : object.patch().operations()) {
        lines
            .append(" ".repeat(2 + SEVERITY_WIDTH + 2))
            .append(Text.printable(op.path("op").asText()))
            .append(' ')
            .append(Text.printable(op.path("path").asText()));
        if (op.has("value")) {
          lines.append(' ').append(Text.printable(op.get("value").toString()));
        }
        lines.append('\n');
      }
    }
    return lines.toString();
  }

  private static String findingsBlock(
      ObjectReport object, int ruleWidth, Style style, boolean patches) {
    StringBuilder block =
        new StringBuilder(style.bold(Text.printable(object.object().toString())))
            .append(where(object))
            .append(": ");
    // A live object is stored already: it is audited, never admitted or denied.
    String verdict = live(object) ? "audited" : "allowed";
    if (!object.allowed()) {
      block.append(style.red("denied"));
    } else if (object.exemption().isPresent()) {
      block.append(verdict).append(", exempt: ").append(Text.printable(object.exemption().get()));
    } else {
      block.append(verdict);
    }
    block.append('\n').append(mutationLines(object, patches));
    for (Finding finding : Summary.bySeverity(object.findings())) {
      String severity = finding.severity().id();
      String rule = Text.printable(finding.rule());
      block
          .append("  ")
          .append(style.severity(finding.severity(), severity))
          .append(" ".repeat(SEVERITY_WIDTH - severity.length() + 2))
          .append(rule)
          .append(" ".repeat(ruleWidth - rule.length() + 2))
          .append(Text.printable(finding.message()))
          .append('\n');
    }
    return block.toString();
  }

  /** {@code (file:line)} after an object read from a file; nothing after a live object. */
  private static String where(ObjectReport object) {
    return live(object) ? "" : " (" + Text.printable(object.source().toString()) + ")";
  }

  private static boolean live(ObjectReport object) {
    return object.source().isLive(object.object());
  }

  /** {@code 3 objects (1 denied), 5 errors, 2 warnings, 1 info; 2 skipped (ConfigMap: 2); ...}. */
  private static String summaryLine(Report report, Style style) {
    Summary summary = Summary.of(report);
    StringBuilder line = new StringBuilder(plural(summary.objects(), "object"));
    List<String> verdicts = new ArrayList<>();
    if (summary.denied() > 0) {
      verdicts.add(summary.denied() + " denied");
    }
    if (summary.exempt() > 0) {
      verdicts.add(summary.exempt() + " exempt");
    }
    if (summary.mutated() > 0) {
      verdicts.add(summary.mutated() + " mutated");
    }
    if (!verdicts.isEmpty()) {
      line.append(" (").append(String.join(", ", verdicts)).append(')');
    }
    line.append(", ")
        .append(style.severity(Severity.ERROR, plural(summary.errors(), "error"), summary.errors()))
        .append(", ")
        .append(
            style.severity(
                Severity.WARNING, plural(summary.warnings(), "warning"), summary.warnings()))
        .append(", ")
        .append(style.severity(Severity.INFO, summary.info() + " info", summary.info()));
    if (summary.skipped() > 0) {
      line.append("; ").append(summary.skipped()).append(" skipped (");
      line.append(
          Summary.sortedSkipped(report).entrySet().stream()
              .map(e -> Text.printable(e.getKey()) + ": " + e.getValue())
              .collect(Collectors.joining(", ")));
      line.append(')');
    }
    if (summary.problems() > 0) {
      line.append("; ").append(style.red(plural(summary.problems(), "input problem")));
    }
    if (summary.clean()) {
      line.append("; ").append(style.green("all passed"));
    } else if (summary.objects() == 0 && summary.problems() == 0) {
      line.append("; nothing to check");
    }
    return line.toString();
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** How words are highlighted: ANSI escape sequences, or not at all. */
  enum Style {
    PLAIN,
    ANSI;

    private static final String RESET = "\u001b[0m";

    String red(String s) {
      return wrap("\u001b[31m", s);
    }

    String yellow(String s) {
      return wrap("\u001b[33m", s);
    }

    String green(String s) {
      return wrap("\u001b[32m", s);
    }

    String dim(String s) {
      return wrap("\u001b[2m", s);
    }

    String bold(String s) {
      return wrap("\u001b[1m", s);
    }

    String severity(Severity severity, String s) {
      return switch (severity) {
        case ERROR -> red(s);
        case WARNING -> yellow(s);
        case INFO -> dim(s);
      };
    }

    /** A count coloured by its severity, plain when it is zero (nothing to point at). */
    String severity(Severity severity, String s, long count) {
      return count == 0 ? s : severity(severity, s);
    }

    private String wrap(String code, String s) {
      return this == ANSI ? code + s + RESET : s;
    }
  }
}
