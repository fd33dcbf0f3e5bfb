package io.stateguard.audit;

/** What the spool does when it holds {@code audit.spool.max-bytes}. Both are counted and logged. */
public enum WhenFull {
  /**
   * Refuse new events (the default): everything already spooled is delivered in order, and each
   * refused event is logged with its id and subject and counted as dropped.
   */
  REJECT_NEW,
  /**
   * Delete the oldest segment to make room: the newest events are kept; the deleted ones are
   * counted as dropped and the loss is logged with their number.
   */
  DROP_OLDEST
}
