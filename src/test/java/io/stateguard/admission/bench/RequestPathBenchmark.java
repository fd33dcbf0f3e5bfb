package io.stateguard.admission.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.admission.RequestStages;
import io.stateguard.audit.AuditConfig;
import io.stateguard.audit.AuditEvent;
import io.stateguard.audit.AuditLog;
import io.stateguard.cli.ServeLogging;
import io.stateguard.policy.Verdict;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The cost of the webhook's request path in one JVM, without HTTP, TLS or a load generator:
 * allocation and CPU time per request, stage by stage, on the benchmark's review ({@code
 * statefulset-create.json} under the shipped policies). Allocation is counted by the JVM per thread
 * and does not depend on what else the machine runs, so it compares versions of the code on a
 * loaded machine; CPU time is the thread's own (not wall clock), the median of several rounds.
 *
 * <p>Also measures the audit writer thread: its CPU per event for events recorded one at a time at
 * a fixed rate (as a webhook under a steady load hands them over) into a JSON-lines file.
 *
 * <p>Not part of {@code mvn verify}. Run after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat CLASSPATH_FILE) \
 *   io.stateguard.admission.bench.RequestPathBenchmark [ITERATIONS] [ROUNDS]
 * </pre>
 */
public final class RequestPathBenchmark {

  private static final Path BODY =
      Path.of("src/test/resources/ApiServerFixtures/statefulset-create.json");

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Kept so the JIT cannot drop the work measured. */
  private static volatile Object sink;

  private RequestPathBenchmark() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    // What the API server sends: the fixture's review as compact JSON.
    byte[] body = ServeBenchmark.apiServerBody(BODY);
    // Logging as serve sets it up, so the decision's log line is part of what is measured;
    // send standard error to a file.
    ServeLogging.configure();
    RequestStages stages = new RequestStages(Path.of("policies"));

    RequestStages.Decoded decoded = stages.decode(body);
    Verdict verdict = stages.evaluate(decoded);
    AuditEvent event = stages.event(decoded, verdict);
    RequestStages.Result handled = stages.handle(body);
    System.out.printf(
        "review %d bytes, answer %d bytes (status %d), event %d bytes, %d findings%n",
        body.length,
        handled.body().length,
        handled.status(),
        stages.eventJson(event).length,
        verdict.findings().size());

    List<Stage> list =
        List.of(
            new Stage("decode (bind to the model, check, Admission)", () -> call(stages, body)),
            new Stage("evaluate (rules)", () -> stages.evaluate(decoded)),
            new Stage("respond (answer review, encode)", () -> stages.respond(decoded, verdict)),
            new Stage("event (build the audit event)", () -> stages.event(decoded, verdict)),
            new Stage("eventJson (the event's JSON line)", () -> stages.eventJson(event)),
            new Stage(
                "request path on the event loop (handler: all but eventJson)",
                () -> stages.handle(body)));
    // Warm up every stage before measuring any, so the JIT has seen them all.
    for (Stage s : list) {
      measure(s.work, iterations);
    }
    System.out.printf("%n%-62s %12s %12s%n", "stage", "bytes/op", "CPU µs/op");
    for (Stage s : list) {
      double[] bytes = new double[rounds];
      double[] cpu = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        double[] m = measure(s.work, iterations);
        bytes[r] = m[0];
        cpu[r] = m[1];
      }
      System.out.printf("%-62s %12.0f %12.1f%n", s.name, median(bytes), median(cpu));
    }
    writer(stages, event, rounds);
    ServeLogging.stop();
  }

  private static Object call(RequestStages stages, byte[] body) {
    try {
      return stages.decode(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private record Stage(String name, Supplier<Object> work) {}

  /** Bytes allocated and CPU microseconds per call, on this thread. */
  private static double[] measure(Supplier<Object> work, int iterations) {
    long thread = Thread.currentThread().getId();
    long bytes0 = THREADS.getThreadAllocatedBytes(thread);
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < iterations; i++) {
      sink = work.get();
    }
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    long bytes = THREADS.getThreadAllocatedBytes(thread) - bytes0;
    return new double[] {(double) bytes / iterations, cpu / 1_000.0 / iterations};
  }

  /**
   * The audit writer's CPU and allocation per event, with events handed over one at a time every
   * millisecond (1,000/s) into a JSON-lines file, and the cost of handing one over on this thread.
   */
  private static void writer(RequestStages stages, AuditEvent template, int rounds)
      throws Exception {
    Path dir = Files.createTempDirectory("request-path-bench");
    Path file = dir.resolve("audit.jsonl");
    AuditConfig config = AuditConfig.from(Map.of("audit.file", file.toString()));
    AuditLog log =
        AuditLog.start(config, null, new SimpleMeterRegistry(), OutputStream.nullOutputStream());
    try {
      Thread writer =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("stateguard-audit-writer"))
              .findFirst()
              .orElseThrow();
      int perRound = 3_000;
      List<AuditEvent> events = new ArrayList<>();
      for (int i = 0; i < perRound; i++) {
        events.add(withId(template, UUID.randomUUID().toString()));
      }
      double[] cpu = new double[rounds + 1];
      double[] bytes = new double[rounds + 1];
      double[] handOver = new double[rounds + 1];
      for (int r = 0; r <= rounds; r++) { // round 0 warms up
        long cpu0 = THREADS.getThreadCpuTime(writer.getId());
        long bytes0 = THREADS.getThreadAllocatedBytes(writer.getId());
        long own = 0;
        long next = System.nanoTime();
        for (AuditEvent e : events) {
          next += TimeUnit.MILLISECONDS.toNanos(1);
          while (System.nanoTime() < next) {
            LockSupport.parkNanos(next - System.nanoTime());
          }
          long c0 = THREADS.getCurrentThreadCpuTime();
          log.record(e);
          own += THREADS.getCurrentThreadCpuTime() - c0;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        cpu[r] = (THREADS.getThreadCpuTime(writer.getId()) - cpu0) / 1_000.0 / perRound;
        bytes[r] = (double) (THREADS.getThreadAllocatedBytes(writer.getId()) - bytes0) / perRound;
        handOver[r] = own / 1_000.0 / perRound;
      }
      System.out.printf(
          "%-62s %12.0f %12.1f%n",
          "audit writer thread, per event at 1,000/s (file sink)",
          median(Arrays.copyOfRange(bytes, 1, bytes.length)),
          median(Arrays.copyOfRange(cpu, 1, cpu.length)));
      System.out.printf(
          "%-62s %12s %12.1f%n",
          "handing an event to the audit log (request thread)",
          "",
          median(Arrays.copyOfRange(handOver, 1, handOver.length)));
    } finally {
      log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  private static AuditEvent withId(AuditEvent e, String id) {
    return new AuditEvent(
        id,
        e.source(),
        e.time(),
        e.resource(),
        e.origin(),
        e.operation(),
        e.subResource(),
        e.user(),
        e.dryRun(),
        e.allowed(),
        e.findings(),
        e.warnings(),
        e.patch(),
        e.exemption(),
        e.policyVersion(),
        e.latency());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
