package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Severity;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one report run: every evaluated object with its findings, every input problem, the
 * skipped kinds, the catalogue of rules (for formats that describe rules, like SARIF) and the
 * version of stateguard that produced it (formats that name their tool carry it).
 */
public record Report(
    List<ObjectReport> objects,
    List<LoadProblem> problems,
    Map<String, Integer> skipped,
    List<RuleInfo> rules,
    String toolVersion) {

  public Report {
    objects = List.copyOf(objects);
    problems = List.copyOf(problems);
    skipped = Map.copyOf(skipped);
    rules = List.copyOf(rules);
    Objects.requireNonNull(toolVersion, "toolVersion");
  }

  /** A report made by the running stateguard, which names its own version. */
  public Report(
      List<ObjectReport> objects,
      List<LoadProblem> problems,
      Map<String, Integer> skipped,
      List<RuleInfo> rules) {
    this(objects, problems, skipped, rules, ToolVersion.current());
  }

  public List<Finding> findings() {
    return objects.stream().flatMap(o -> o.findings().stream()).toList();
  }

  public long count(Severity severity) {
    return findings().stream().filter(f -> f.severity() == severity).count();
  }

  public int skippedCount() {
    return skipped.values().stream().mapToInt(Integer::intValue).sum();
  }
}
