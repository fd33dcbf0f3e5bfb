package io.stateguard.ledger.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stateguard.ledger.DisruptionLedger;
import io.stateguard.ledger.LedgerConfig;
import io.stateguard.ledger.LedgerDecision;
import io.stateguard.ledger.LedgerFixtures;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.rules.Members;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Pod DELETE decision latency of the quorum guard, ledger reads and write included, against the
 * fabric8 mock API server in CRUD mode on this machine; and the time a burst of 50 concurrent
 * deletes across 10 StatefulSets takes to be decided. Run by {@code .ci/bench-guard}; prints
 * Markdown and writes it to {@code target/bench-guard/results.md}.
 *
 * <p>Usage: {@code GuardBenchmark [SAMPLES] [BURSTS]} (default 1000 10).
 */
public final class GuardBenchmark {

  private GuardBenchmark() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int bursts = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    // The mock web server logs every request through java.util.logging: not in a benchmark.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new java.util.HashMap<>(),
            new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(),
            false);
    server.init();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    StringBuilder out = new StringBuilder();
    try (KubernetesClient client = server.createClient()) {
      PolicyEngine engine = LedgerFixtures.engine();
      DisruptionLedger ledger =
          new DisruptionLedger(
              client, LedgerConfig.defaults("stateguard", "bench"), Clock.systemUTC(), threads);
      List<Pod> zk = LedgerFixtures.createSet(client, "data", "zk", 5);

      // Warm-up, then the measured samples: each one a delete that is allowed and written.
      single(client, ledger, engine, zk, 300);
      long[][] measured = single(client, ledger, engine, zk, samples);
      out.append("### Pod DELETE decision latency (one at a time)\n\n")
          .append(
              "| path | samples | p50 | p90 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n")
          .append(row("first delete of a set (Lease created)", measured[0]))
          .append(row("second delete (Lease updated with its resourceVersion)", measured[1]))
          .append(row("all", concat(measured[0], measured[1])))
          .append('\n');

      List<List<Pod>> sets = new ArrayList<>();
      for (int s = 0; s < 10; s++) {
        sets.add(LedgerFixtures.createSet(client, "burst", "set" + s, 5));
      }
      burst(client, ledger, engine, sets); // warm-up
      out.append("### Burst: 50 concurrent deletes across 10 StatefulSets of 5\n\n")
          .append(
              "| burst | all decided after | allowed | denied | failed |\n| --- | --- | --- | --- | --- |\n");
      long[] times = new long[bursts];
      for (int b = 0; b < bursts; b++) {
        long[] r = burst(client, ledger, engine, sets);
        times[b] = r[0];
        out.append(
            String.format(
                Locale.ROOT,
                "| %d | %.1f ms | %d | %d | %d |%n",
                b + 1,
                r[0] / 1e6,
                r[1],
                r[2],
                r[3]));
      }
      Arrays.sort(times);
      out.append(
          String.format(
              Locale.ROOT,
              "%nMedian burst: %.1f ms; slowest: %.1f ms.%n",
              times[times.length / 2] / 1e6,
              times[times.length - 1] / 1e6));
    } finally {
      threads.shutdownNow();
      server.destroy();
    }
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.print(out);
    Path results = Path.of("target", "bench-guard", "results.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, out.toString(), StandardCharsets.UTF_8);
  }

  /** Pairs of deletes on a fresh ledger: the first creates the Lease, the second updates it. */
  private static long[][] single(
      KubernetesClient client,
      DisruptionLedger ledger,
      PolicyEngine engine,
      List<Pod> pods,
      int pairs) {
    long[] created = new long[pairs];
    long[] updated = new long[pairs];
    for (int i = 0; i < pairs; i++) {
      client.resources(Lease.class).inNamespace("stateguard").delete();
      created[i] = timed(ledger, engine, pods.get(0), "c" + i);
      updated[i] = timed(ledger, engine, pods.get(1), "u" + i);
    }
    return new long[][] {created, updated};
  }

  private static long timed(DisruptionLedger ledger, PolicyEngine engine, Pod pod, String uid) {
    long start = System.nanoTime();
    LedgerDecision d =
        ledger
            .decide(Members.delete(uid, pod, Members.ADMIN, false), engine, ClusterView.empty())
            .toCompletableFuture()
            .join();
    long elapsed = System.nanoTime() - start;
    if (d.outcome() != LedgerDecision.Outcome.RESERVED) {
      throw new IllegalStateException("expected a reservation, got " + d.outcome() + " " + d);
    }
    return elapsed;
  }

  /** 50 deletes at once; returns {nanos until all decided, allowed, denied, failed}. */
  private static long[] burst(
      KubernetesClient client, DisruptionLedger ledger, PolicyEngine engine, List<List<Pod>> sets)
      throws Exception {
    client.resources(Lease.class).inNamespace("stateguard").delete();
    List<CompletableFuture<LedgerDecision>> all = new ArrayList<>();
    long start = System.nanoTime();
    int n = 0;
    for (int member = 0; member < 5; member++) {
      for (List<Pod> set : sets) {
        all.add(
            ledger
                .decide(
                    Members.delete("b" + (n++), set.get(member), Members.ADMIN, false),
                    engine,
                    ClusterView.empty())
                .toCompletableFuture());
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    long allowed = all.stream().filter(f -> f.join().allowed()).count();
    long failed =
        all.stream()
            .filter(f -> f.join().outcome() == LedgerDecision.Outcome.FAILED_CLOSED)
            .count();
    return new long[] {elapsed, allowed, all.size() - allowed - failed, failed};
  }

  private static String row(String name, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n",
        name,
        s.length,
        pct(s, 0.50) / 1e6,
        pct(s, 0.90) / 1e6,
        pct(s, 0.99) / 1e6,
        s[s.length - 1] / 1e6);
  }

  private static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
