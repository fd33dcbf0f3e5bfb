package io.stateguard.ledger;

import io.stateguard.policy.DisruptionVerdict;
import java.util.Objects;

/**
 * What the ledger answered to one pod delete or eviction, and how it got there.
 *
 * @param verdict the guard's decision, as sent to the API server
 * @param outcome what happened to the ledger
 * @param conflicts how many writes lost a race with another decision (and were decided again)
 * @param problem why the decision could not be recorded ({@link Outcome#FAILED_CLOSED}, {@link
 *     Outcome#FAILED_OPEN}); empty otherwise
 */
public record LedgerDecision(
    DisruptionVerdict verdict, Outcome outcome, int conflicts, String problem) {

  /** What happened to the ledger. */
  public enum Outcome {
    /** Not a member of a StatefulSet, or no policy protects its set: nothing looked at. */
    NOT_COVERED,
    /** Decided; nothing to hold (allowed without taking a member, exempt, break-glass, denied). */
    DECIDED,
    /** Allowed, and the member is now held in the ledger. */
    RESERVED,
    /** Allowed again: this pod was already held (a repeated review of the same delete). */
    ALREADY_RESERVED,
    /** A dry run that would have been held: answered, nothing written. */
    DRY_RUN,
    /** The decision could not be made or recorded, and the delete was denied. */
    FAILED_CLOSED,
    /** The decision could not be made or recorded, and the delete was allowed (fail-open). */
    FAILED_OPEN;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LedgerDecision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(outcome, "outcome");
    problem = problem == null ? "" : problem;
  }

  public boolean allowed() {
    return verdict.allowed();
  }
}
