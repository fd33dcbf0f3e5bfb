package io.stateguard.audit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the audit stream's health, for {@code /readyz} and logs. Degraded is not down:
 * events still go to the spool or to the other sinks, and nothing is lost unseen.
 *
 * @param degraded whether any sink fails or Kafka events are waiting in the spool
 * @param problems one line per problem, naming the sink and the reason
 * @param queued events waiting in memory for the writer
 * @param spoolBytes bytes in the spool's segment files
 * @param oldestSpooled age of the oldest spooled event not yet delivered, when there is one
 */
public record AuditStatus(
    boolean degraded,
    List<String> problems,
    int queued,
    long spoolBytes,
    Optional<Duration> oldestSpooled) {

  public AuditStatus {
    problems = List.copyOf(problems);
  }

  static AuditStatus starting() {
    return new AuditStatus(false, List.of(), 0, 0, Optional.empty());
  }
}
