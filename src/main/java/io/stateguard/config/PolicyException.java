package io.stateguard.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Policies could not be loaded: every problem found, not only the first. Checked, because a caller
 * must decide what a bad file means for it: the report command fails, a reload keeps the last good
 * policies.
 */
public final class PolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(message(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in file order, then line order. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  private static String message(List<PolicyProblem> problems) {
    if (problems.size() == 1) {
      return "invalid policy: " + problems.get(0);
    }
    return problems.size()
        + " problems in policies:\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
