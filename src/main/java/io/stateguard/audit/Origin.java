package io.stateguard.audit;

import java.util.Locale;

/** Which face of stateguard made a decision. */
public enum Origin {
  /** The validating webhook ({@code /validate}). */
  VALIDATE,
  /** The mutating webhook ({@code /mutate}). */
  MUTATE,
  /** An offline {@code stateguard report}. */
  REPORT;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
