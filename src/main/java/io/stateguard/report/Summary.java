package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts every format reports, computed once from a {@link Report}, and the orders every format
 * lists things in, so that all formats agree.
 *
 * @param objects objects evaluated
 * @param denied objects the cluster would refuse
 * @param exempt objects an exemption applied to (enforcement lifted for them)
 * @param mutated objects a mutation changed
 * @param errors findings in mode enforce
 * @param warnings findings in mode warn
 * @param info findings in mode audit
 * @param skipped objects of kinds stateguard does not evaluate
 * @param problems inputs that could not be read
 */
record Summary(
    int objects,
    int denied,
    int exempt,
    int mutated,
    long errors,
    long warnings,
    long info,
    int skipped,
    int problems) {

  static Summary of(Report report) {
    return new Summary(
        report.objects().size(),
        (int) report.objects().stream().filter(o -> !o.allowed()).count(),
        (int) report.objects().stream().filter(o -> o.exemption().isPresent()).count(),
        (int) report.objects().stream().filter(ObjectReport::mutated).count(),
        report.count(Severity.ERROR),
        report.count(Severity.WARNING),
        report.count(Severity.INFO),
        report.skippedCount(),
        report.problems().size());
  }

  long findings() {
    return errors + warnings + info;
  }

  /** A report with objects, and neither findings nor input problems. */
  boolean clean() {
    return objects > 0 && findings() == 0 && problems == 0;
  }

  /** The findings on one object, most severe first; rule order otherwise (the sort is stable). */
  static List<Finding> bySeverity(List<Finding> findings) {
    return findings.stream().sorted(Comparator.comparing(Finding::severity)).toList();
  }

  /** The skipped kinds in name order, so output does not depend on hashing. */
  static Map<String, Integer> sortedSkipped(Report report) {
    return new TreeMap<>(report.skipped());
  }
}
