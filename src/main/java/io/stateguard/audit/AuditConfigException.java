package io.stateguard.audit;

import java.util.List;

/**
 * Bad audit configuration: every problem found, each naming the key, the value and what is allowed.
 * Raised at start, never while events flow.
 */
public final class AuditConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  AuditConfigException(List<String> problems) {
    super(
        problems.size() == 1
            ? "bad audit configuration: " + problems.get(0)
            : "bad audit configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem: {@code audit.durability=always: use async or sync}. */
  public List<String> problems() {
    return problems;
  }
}
