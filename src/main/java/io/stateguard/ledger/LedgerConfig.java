package io.stateguard.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * How the disruption ledger keeps its records.
 *
 * @param namespace stateguard's own namespace, where the ledger's Leases live
 * @param replica who writes (the pod name), shown as the Lease's holder
 * @param ttl how long a reservation holds when its pod is never observed gone
 * @param budget how long one decision may take, waiting for its turn, reads, writes and retries
 *     included; below the webhook's timeout (5 s by default) so the answer still arrives
 * @param maxAttempts how many times a decision re-reads and decides again after a conflict
 * @param maxReservations the most reservations one StatefulSet's record holds (a size cap: the
 *     Lease must stay far below the API server's object size limit)
 * @param failOpen when a decision cannot be recorded (API server unreachable, conflicts past the
 *     budget): allow with a warning instead of denying
 */
public record LedgerConfig(
    String namespace,
    String replica,
    Duration ttl,
    Duration budget,
    int maxAttempts,
    int maxReservations,
    boolean failOpen) {

  public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(4);
  public static final int DEFAULT_MAX_ATTEMPTS = 16;
  public static final int DEFAULT_MAX_RESERVATIONS = 256;

  public LedgerConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(budget, "budget");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("the ledger needs a namespace");
    }
    if (ttl.isNegative() || ttl.isZero() || budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("ttl and budget must be positive");
    }
    if (maxAttempts < 1 || maxReservations < 1) {
      throw new IllegalArgumentException("maxAttempts and maxReservations must be at least 1");
    }
  }

  /** The defaults, in {@code namespace}, failing closed. */
  public static LedgerConfig defaults(String namespace, String replica) {
    return new LedgerConfig(
        namespace,
        replica,
        DEFAULT_TTL,
        DEFAULT_BUDGET,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_MAX_RESERVATIONS,
        false);
  }

  public LedgerConfig withTtl(Duration value) {
    return new LedgerConfig(
        namespace, replica, value, budget, maxAttempts, maxReservations, failOpen);
  }

  public LedgerConfig withFailOpen(boolean value) {
    return new LedgerConfig(namespace, replica, ttl, budget, maxAttempts, maxReservations, value);
  }

  public LedgerConfig withBudget(Duration value) {
    return new LedgerConfig(namespace, replica, ttl, value, maxAttempts, maxReservations, failOpen);
  }
}
