package io.stateguard.policy;

import java.util.Locale;

/** How serious a finding is; follows from the mode the policy gives its rule. */
public enum Severity {
  ERROR,
  WARNING,
  INFO;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when this severity is at least as serious as {@code other}. */
  public boolean atLeast(Severity other) {
    return ordinal() <= other.ordinal();
  }
}
