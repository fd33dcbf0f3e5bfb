package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * JUnit XML, for CI systems that show test reports: one {@code <testsuite>} per input file (in the
 * order files were read), one {@code <testcase>} per object and rule checked on it. A rule with
 * findings in mode enforce or warn is a {@code <failure>} of type {@code error} or {@code warning}
 * (CI systems show failures, and a warning is something the cluster would say out loud); audit
 * findings pass and are listed in {@code <system-out>}; findings on an object an exemption applied
 * to are {@code <skipped>} with the exemption as message. Each input that could not be read is a
 * testcase with an {@code <error>}. Whether the build fails is the exit code's business ({@code
 * --fail-on}), not this file's.
 */
final class JunitRenderer implements Renderer {

  @Override
  public void render(Report report, Appendable out, boolean color) throws IOException {
    Map<String, List<TestCase>> suites = new LinkedHashMap<>();
    for (ObjectReport object : report.objects()) {
      suites
          .computeIfAbsent(object.source().file(), file -> new ArrayList<>())
          .addAll(cases(object));
    }
    for (LoadProblem problem : report.problems()) {
      suites
          .computeIfAbsent(problem.source().file(), file -> new ArrayList<>())
          .add(TestCase.error(problem));
    }
    List<TestCase> all = suites.values().stream().flatMap(List::stream).toList();

    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<testsuites name=\"stateguard\"").append(counts(all));
    if (suites.isEmpty()) {
      out.append("/>\n");
      return;
    }
    out.append(">\n");
    for (Map.Entry<String, List<TestCase>> suite : suites.entrySet()) {
      out.append("  <testsuite name=\"")
          .append(Xml.attribute(suite.getKey()))
          .append('"')
          .append(counts(suite.getValue()))
          .append(">\n");
      for (TestCase testCase : suite.getValue()) {
        testCase.write(out);
      }
      out.append("  </testsuite>\n");
    }
    out.append("</testsuites>\n");
  }

  private static String counts(List<TestCase> cases) {
    return " tests=\""
        + cases.size()
        + "\" failures=\""
        + count(cases, Outcome.FAILURE)
        + "\" errors=\""
        + count(cases, Outcome.ERROR)
        + "\" skipped=\""
        + count(cases, Outcome.SKIPPED)
        + '"';
  }

  private static long count(List<TestCase> cases, Outcome outcome) {
    return cases.stream().filter(c -> c.outcome() == outcome).count();
  }

  /** One case per rule checked; a rule that reported without being listed as checked counts too. */
  private static List<TestCase> cases(ObjectReport object) {
    Map<String, List<Finding>> byRule =
        object.findings().stream()
            .collect(Collectors.groupingBy(Finding::rule, LinkedHashMap::new, Collectors.toList()));
    Set<String> rules = new LinkedHashSet<>(object.rulesChecked());
    rules.addAll(byRule.keySet());
    List<TestCase> cases = new ArrayList<>();
    for (String rule : rules) {
      cases.add(
          TestCase.of(object, rule, Summary.bySeverity(byRule.getOrDefault(rule, List.of()))));
    }
    return cases;
  }

  enum Outcome {
    PASSED,
    FAILURE,
    ERROR,
    SKIPPED
  }

  /**
   * One {@code <testcase>}.
   *
   * @param detail the element a non-passing case carries ({@code failure}, {@code error}, {@code
   *     skipped}): its type (or empty), message and body (or empty)
   * @param output {@code <system-out>} text, or empty
   */
  record TestCase(
      String classname,
      String name,
      String file,
      Outcome outcome,
      String type,
      String message,
      String body,
      String output) {

    static TestCase of(ObjectReport object, String rule, List<Finding> findings) {
      String classname = object.object().toString();
      String file = object.source().file();
      if (findings.isEmpty()) {
        return new TestCase(classname, rule, file, Outcome.PASSED, "", "", "", "");
      }
      String details = details(findings, object.source());
      if (object.exemption().isPresent()) {
        return new TestCase(
            classname,
            rule,
            file,
            Outcome.SKIPPED,
            "",
            "exempt: " + object.exemption().get(),
            "",
            details);
      }
      Finding worst = findings.get(0);
      if (worst.severity() == Severity.INFO) {
        return new TestCase(classname, rule, file, Outcome.PASSED, "", "", "", details);
      }
      String message =
          worst.message()
              + (findings.size() > 1 ? " (and " + (findings.size() - 1) + " more)" : "");
      return new TestCase(
          classname, rule, file, Outcome.FAILURE, worst.severity().id(), message, details, "");
    }

    static TestCase error(LoadProblem problem) {
      String file = problem.source().file();
      return new TestCase(
          file,
          "load " + problem.source(),
          file,
          Outcome.ERROR,
          "input",
          problem.message(),
          problem.toString(),
          "");
    }

    /** Every finding: severity, message, then where, the field and the policy, one per line. */
    private static String details(List<Finding> findings, SourceLocation source) {
      StringBuilder text = new StringBuilder();
      for (Finding finding : findings) {
        text.append(finding.severity().id()).append(": ").append(finding.message()).append('\n');
        text.append("  at ").append(source).append('\n');
        if (!finding.field().isEmpty()) {
          text.append("  field: ").append(finding.field()).append('\n');
        }
        if (!finding.policy().isEmpty()) {
          text.append("  policy: ").append(finding.policy()).append('\n');
        }
      }
      return text.toString();
    }

    void write(Appendable out) throws IOException {
      out.append("    <testcase name=\"")
          .append(Xml.attribute(name))
          .append("\" classname=\"")
          .append(Xml.attribute(classname))
          .append("\" file=\"")
          .append(Xml.attribute(file))
          .append('"');
      if (outcome == Outcome.PASSED && output.isEmpty()) {
        out.append("/>\n");
        return;
      }
      out.append(">\n");
      String element =
          switch (outcome) {
            case PASSED -> null;
            case FAILURE -> "failure";
            case ERROR -> "error";
            case SKIPPED -> "skipped";
          };
      if (element != null) {
        out.append("      <").append(element);
        if (!type.isEmpty()) {
          out.append(" type=\"").append(Xml.attribute(type)).append('"');
        }
        out.append(" message=\"").append(Xml.attribute(message)).append('"');
        if (body.isEmpty()) {
          out.append("/>\n");
        } else {
          out.append('>').append(Xml.text(body)).append("</").append(element).append(">\n");
        }
      }
      if (!output.isEmpty()) {
        out.append("      <system-out>").append(Xml.text(output)).append("</system-out>\n");
      }
      out.append("    </testcase>\n");
    }
  }
}
