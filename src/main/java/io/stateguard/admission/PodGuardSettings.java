package io.stateguard.admission;

import io.stateguard.ledger.LedgerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code serve} runs the quorum guard on pod deletes and evictions: where its disruption ledger
 * lives, how long a reservation holds, and what a decision that cannot be recorded does.
 *
 * @param namespace stateguard's own namespace, where the ledger's Leases are kept ({@code
 *     --namespace}, else {@code POD_NAMESPACE}, which the chart sets from the pod)
 * @param replica this replica's name (the pod name), written as the Leases' holder
 * @param reservationTtl how long an allowed delete is held when its pod is never seen gone
 * @param failOpen allow (with a warning) instead of deny when the ledger cannot be read or written
 */
public record PodGuardSettings(
    String namespace, String replica, Duration reservationTtl, boolean failOpen) {

  /** The namespace when neither {@code --namespace} nor {@code POD_NAMESPACE} names one. */
  public static final String DEFAULT_NAMESPACE = "stateguard";

  public PodGuardSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(reservationTtl, "reservationTtl");
  }

  /** The ledger's configuration from these settings (the other values at their defaults). */
  public LedgerConfig ledger() {
    return LedgerConfig.defaults(namespace, replica).withTtl(reservationTtl).withFailOpen(failOpen);
  }
}
