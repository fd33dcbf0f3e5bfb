package io.stateguard.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one input (a file, or standard input) yielded so far. Kept apart per input so an input that
 * turns out to be over the size limit can be dropped whole. Not thread-safe.
 */
final class InputResult {

  final List<Manifest> manifests = new ArrayList<>();
  final List<LoadProblem> problems = new ArrayList<>();
  final Map<String, Integer> skipped = new TreeMap<>();

  /** Documents that held a value (empty and comment-only ones do not count). */
  int documents;

  void problem(SourceLocation where, String message) {
    problems.add(new LoadProblem(where, message));
  }

  void skip(String kind) {
    skipped.merge(kind, 1, Integer::sum);
  }

  /** An input that yielded nothing but one problem. */
  static InputResult failed(SourceLocation where, String message) {
    InputResult result = new InputResult();
    result.problem(where, message);
    return result;
  }
}
