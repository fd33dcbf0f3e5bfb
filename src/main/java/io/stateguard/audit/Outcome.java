package io.stateguard.audit;

import java.util.Locale;

/** What became of an event at one sink: the {@code outcome} tag of the events metric. */
enum Outcome {
  /** Delivered straight from memory. */
  SENT,
  /** Written to the spool to wait for Kafka. */
  SPOOLED,
  /** Delivered from the spool. */
  REPLAYED,
  /** Lost, and logged: the queue or the spool was full, or the sink failed. */
  DROPPED;

  String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
