package io.stateguard.admission;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stateguard.ledger.DisruptionLedger;
import io.stateguard.ledger.LedgerDecision;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.PolicyEngine;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum guard's flow on {@code /validate}: Pod DELETE and pods/eviction CREATE reviews are
 * decided by the {@link DisruptionLedger} (live reads and a Lease write per allowed delete) off the
 * event loop, on the guard's own threads, and the answer comes back as a stage the handler sends
 * when it completes.
 *
 * <p>Metrics:
 *
 * <ul>
 *   <li>{@code stateguard_ledger_decisions_total{outcome}}: each decision by what happened to the
 *       ledger ({@code reserved}, {@code already_reserved}, {@code decided}, {@code dry_run},
 *       {@code not_covered}, {@code failed_closed}, {@code failed_open});
 *   <li>{@code stateguard_ledger_conflicts_total}: writes that lost a race with another replica and
 *       were decided again (each one is a retry);
 *   <li>{@code stateguard_break_glass_total{rule}}: deletes allowed by break-glass;
 *   <li>{@code stateguard_ledger_decision_seconds}: time to decide, reads and writes included.
 * </ul>
 */
final class PodGuard implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(PodGuard.class);

  private final DisruptionLedger ledger;
  private final ExecutorService executor;
  private final Map<LedgerDecision.Outcome, Counter> outcomes =
      new EnumMap<>(LedgerDecision.Outcome.class);
  private final Counter conflicts;
  private final Counter breakGlass;
  private final Timer latency;

  /**
   * @param client the API server the ledger reads and writes
   * @param threads how many decisions (of different StatefulSets) may run at once
   */
  PodGuard(
      KubernetesClient client,
      PodGuardSettings settings,
      Clock clock,
      MeterRegistry registry,
      int threads) {
    AtomicInteger ids = new AtomicInteger();
    ThreadFactory named =
        r -> {
          Thread t = new Thread(r, "stateguard-ledger-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.executor = Executors.newFixedThreadPool(threads, named);
    this.ledger = new DisruptionLedger(client, settings.ledger(), clock, executor);
    for (LedgerDecision.Outcome o : LedgerDecision.Outcome.values()) {
      outcomes.put(
          o,
          Counter.builder("stateguard_ledger_decisions_total")
              .description("Pod delete and eviction decisions, by what happened to the ledger")
              .tag("outcome", o.id())
              .register(registry));
    }
    this.conflicts =
        Counter.builder("stateguard_ledger_conflicts_total")
            .description(
                "Ledger writes that lost a race with another replica and were decided again")
            .register(registry);
    this.breakGlass =
        Counter.builder("stateguard_break_glass_total")
            .description("Pod deletes and evictions allowed by break-glass")
            .tag("rule", "quorum-guard")
            .register(registry);
    this.latency =
        Timer.builder("stateguard_ledger_decision_seconds")
            .description(
                "Time to decide a pod delete or eviction, ledger reads and writes included")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** Whether the guard decides this admission (Pod DELETE, pods/eviction CREATE). */
  static boolean covers(Admission admission) {
    return DisruptionLedger.covers(admission);
  }

  /** Decides on the guard's threads; completes (never exceptionally) within the ledger's budget. */
  CompletionStage<LedgerDecision> decide(
      Admission admission, PolicyEngine engine, ClusterView view) {
    long started = System.nanoTime();
    return ledger
        .decide(admission, engine, view)
        .whenComplete(
            (d, failed) -> {
              latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              if (d != null) {
                record(admission, d);
              }
            });
  }

  private void record(Admission admission, LedgerDecision d) {
    outcomes.get(d.outcome()).increment();
    if (d.conflicts() > 0) {
      conflicts.increment(d.conflicts());
    }
    if (d.verdict().breakGlass().isPresent()) {
      breakGlass.increment();
      LOGGER
          .atWarn()
          .addKeyValue("uid", Texts.oneLine(admission.uid()))
          .addKeyValue("object", Texts.oneLine(ObjectRef.of(admission.subject()).toString()))
          .addKeyValue("user", Texts.oneLine(admission.user().username()))
          .addKeyValue("breakGlass", Texts.oneLine(d.verdict().breakGlass().get()))
          .log(
              "break-glass: allowed {} of {} past the quorum guard",
              admission.operation(),
              Texts.oneLine(ObjectRef.of(admission.subject()).qualifiedName()));
    }
  }

  @Override
  public void close() {
    ledger.close();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
