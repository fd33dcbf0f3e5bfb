package io.stateguard.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One allowed disruption held in the ledger: the pod, the UID of that incarnation of it, the
 * request that was allowed, and when the hold ends at the latest.
 *
 * @param pod the pod's name
 * @param podUid the pod's UID: a replacement pod with the same name is another member
 * @param request the uid of the admission request that was allowed
 * @param expires when the reservation lapses if the pod was never observed gone
 */
public record Reservation(String pod, String podUid, String request, Instant expires) {

  public Reservation {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(podUid, "podUid");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(expires, "expires");
  }

  boolean liveAt(Instant now) {
    return now.isBefore(expires);
  }
}
