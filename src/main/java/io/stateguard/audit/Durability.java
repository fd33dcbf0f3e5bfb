package io.stateguard.audit;

/** When {@link AuditLog#record} counts an event as kept. */
public enum Durability {
  /**
   * At once: the event is queued in memory and delivered or spooled shortly after. A crash can lose
   * what was not yet acknowledged or written (the loss window in {@code docs/audit-events.md}).
   */
  ASYNC,
  /**
   * When the event is written and forced to disk (the spool for Kafka, the JSON-lines file): the
   * caller waits for that before it answers, and a crash loses nothing it answered.
   */
  SYNC
}
