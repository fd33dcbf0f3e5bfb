package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Severity;
import java.util.List;
import java.util.Map;

/**
 * The result of one report run: every evaluated object with its findings, every input problem, the
 * skipped kinds, and the catalogue of rules (for formats that describe rules, like SARIF).
 */
public record Report(
    List<ObjectReport> objects,
    List<LoadProblem> problems,
    Map<String, Integer> skipped,
    List<RuleInfo> rules) {

  public Report {
    objects = List.copyOf(objects);
    problems = List.copyOf(problems);
    skipped = Map.copyOf(skipped);
    rules = List.copyOf(rules);
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
