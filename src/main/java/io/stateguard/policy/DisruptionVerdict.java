package io.stateguard.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * The quorum guard's decision on one pod delete or eviction: the verdict, and whether an allowed
 * delete takes a standing member away and so must be held in the disruption ledger until the pod is
 * gone and back (a dry run is answered the same, and the caller skips the reservation).
 *
 * @param verdict allowed or denied, with the findings
 * @param reserve true when the delete is allowed and takes a counted member away
 * @param breakGlass the break-glass reason when one allowed a delete the guard would deny
 * @param covered false when no policy protects the pod's set (the guard did not look)
 */
public record DisruptionVerdict(
    Verdict verdict, boolean reserve, Optional<String> breakGlass, boolean covered) {

  public DisruptionVerdict {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(breakGlass, "breakGlass");
    if (reserve && !verdict.allowed()) {
      throw new IllegalArgumentException("a denied delete reserves nothing");
    }
  }

  /** Allowed without a look: no policy protects the set, or the guard is off for it. */
  public static DisruptionVerdict notCovered() {
    return new DisruptionVerdict(Verdict.allow(), false, Optional.empty(), false);
  }

  public boolean allowed() {
    return verdict.allowed();
  }
}
