package io.stateguard.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audit stream's meters. Counters are registered up front for every sink and outcome, so a
 * dashboard shows a zero rather than nothing. Gauges read values the writer thread publishes.
 *
 * <ul>
 *   <li>{@code stateguard.audit.events{sink,outcome}}: events sent, spooled, replayed, dropped
 *   <li>{@code stateguard.audit.spool.bytes}: bytes in spool segments
 *   <li>{@code stateguard.audit.spool.oldest.age}: age of the oldest undelivered spooled event
 *   <li>{@code stateguard.audit.queue.size}: events waiting in memory for the writer
 *   <li>{@code stateguard.audit.sink.degraded{sink}}: 1 while a sink fails or Kafka is spooling
 * </ul>
 */
final class AuditMetrics {

  static final String EVENTS = "stateguard.audit.events";

  private final Map<String, Map<Outcome, Counter>> counters = new HashMap<>();
  private final Map<String, AtomicLong> degraded = new HashMap<>();
  final AtomicLong spoolBytes = new AtomicLong();
  final AtomicLong oldestSpooledMillis = new AtomicLong();

  AuditMetrics(MeterRegistry registry, List<String> sinks, AtomicInteger queued) {
    for (String sink : sinks) {
      Map<Outcome, Counter> bySink = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        bySink.put(
            outcome,
            Counter.builder(EVENTS)
                .description("Audit events by sink and what became of them")
                .tag("sink", sink)
                .tag("outcome", outcome.id())
                .register(registry));
      }
      counters.put(sink, bySink);
      AtomicLong flag = new AtomicLong();
      degraded.put(sink, flag);
      Gauge.builder("stateguard.audit.sink.degraded", flag, AtomicLong::get)
          .description("1 while the sink fails or, for Kafka, while events go to the spool")
          .tag("sink", sink)
          .register(registry);
    }
    Gauge.builder("stateguard.audit.spool.bytes", spoolBytes, AtomicLong::get)
        .description("Bytes in audit spool segment files")
        .baseUnit("bytes")
        .register(registry);
    TimeGauge.builder(
            "stateguard.audit.spool.oldest.age",
            oldestSpooledMillis,
            TimeUnit.MILLISECONDS,
            AtomicLong::get)
        .description("Age of the oldest spooled event not yet delivered; 0 when none")
        .register(registry);
    Gauge.builder("stateguard.audit.queue.size", queued, AtomicInteger::get)
        .description("Audit events waiting in memory for the writer")
        .register(registry);
  }

  void count(String sink, Outcome outcome, long n) {
    if (n > 0) {
      counters.get(sink).get(outcome).increment(n);
    }
  }

  long count(String sink, Outcome outcome) {
    return (long) counters.get(sink).get(outcome).count();
  }

  void degraded(String sink, boolean on) {
    degraded.get(sink).set(on ? 1 : 0);
  }
}
