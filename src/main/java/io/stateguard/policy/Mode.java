package io.stateguard.policy;

import java.util.Locale;

/** What a policy does with a rule's findings. Ordered from strictest to off. */
public enum Mode {
  /** Deny the request. */
  ENFORCE,
  /** Allow, and answer with an admission warning. */
  WARN,
  /** Allow, and only record the finding. */
  AUDIT,
  /** Do not evaluate the rule. */
  OFF;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The severity a finding in this mode has in reports. */
  public Severity severity() {
    return switch (this) {
      case ENFORCE -> Severity.ERROR;
      case WARN -> Severity.WARNING;
      case AUDIT, OFF -> Severity.INFO;
    };
  }

  /** Parses {@code enforce|warn|audit|off}; null when the text is none of them. */
  public static Mode parse(String text) {
    for (Mode mode : values()) {
      if (mode.id().equals(text)) {
        return mode;
      }
    }
    return null;
  }
}
