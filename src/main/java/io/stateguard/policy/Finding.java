package io.stateguard.policy;

import java.util.Objects;

/**
 * One thing a rule found wrong with one object.
 *
 * @param rule the stable rule id ({@code pdb-quorum})
 * @param mode what the governing policy does with it; never {@link Mode#OFF}
 * @param message an actionable sentence naming the object, the numbers and the fix
 * @param field the path of the field concerned ({@code spec.replicas}), or empty
 * @param object the object the finding is about (the one admitted)
 * @param policy the name of the policy that set the rule's mode
 */
public record Finding(
    String rule, Mode mode, String message, String field, ObjectRef object, String policy) {

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(object, "object");
    field = field == null ? "" : field;
    policy = policy == null ? "" : policy;
    if (mode == Mode.OFF) {
      throw new IllegalArgumentException("a finding of rule " + rule + " cannot be in mode off");
    }
  }

  public Severity severity() {
    return mode.severity();
  }
}
