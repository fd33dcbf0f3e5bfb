package io.stateguard.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one source, so a load reports all of them at once. */
final class Problems {

  private final String source;
  private final List<PolicyProblem> problems = new ArrayList<>();

  Problems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void add(Node.Pos pos, String path, String message) {
    problems.add(new PolicyProblem(source, pos.line(), pos.column(), path, message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  int size() {
    return problems.size();
  }

  /** The problems in the order of the file: by line, then column. */
  List<PolicyProblem> sorted() {
    List<PolicyProblem> out = new ArrayList<>(problems);
    out.sort(Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column));
    return out;
  }
}
