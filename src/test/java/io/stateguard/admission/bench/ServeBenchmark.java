package io.stateguard.admission.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stateguard.certs.CertificateFiles;
import io.stateguard.certs.SubjectNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Load test of {@code stateguard serve} against a no-op TLS endpoint, both measured in the same run
 * on the same machine (see docs/benchmarks.md). Each server runs in its own JVM; this JVM is the
 * load generator (a Vert.x HTTP client, TLS with keep-alive, verifying the certificate).
 *
 * <p>For each target: a warm-up at the fixed rate; then the fixed rate, with each request's latency
 * counted from when it was due, not from when it was sent (so a stall in the server or the
 * generator shows as latency instead of hiding as fewer requests); then a closed loop of {@code
 * concurrency} requests in flight for the highest throughput. Also: the webhook's time from process
 * start to ready, and the resident memory of both servers at idle and under load.
 *
 * <p>Usage (see .ci/bench-serve): {@code ServeBenchmark [rate=1000] [seconds=20] [warmup=30]
 * [concurrency=16]}
 */
public final class ServeBenchmark {

  private static final Path WORK = Path.of("target", "bench-serve");
  private static final Path FIXTURE =
      Path.of("src/test/resources/ApiServerFixtures/statefulset-create.json");

  private ServeBenchmark() {}

  /** What one target measured. */
  record Result(
      String name,
      int rate,
      Histogram latency,
      List<Long> sliceP99s,
      long rateErrors,
      double throughput,
      long throughputErrors,
      long rssIdleKib,
      long rssLoadKib,
      double serverCpuMicrosPerRequest,
      double generatorCpuMicrosPerRequest) {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    // Long enough for the webhook's compiler to finish with the request path (docs/benchmarks.md,
    // run 6): after a 5 s warm-up, C2 was still compiling during the measured slices.
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    Files.createDirectories(WORK);
    Path certs = WORK.resolve("certs");
    CertificateFiles.readOrGenerate(
        certs,
        SubjectNames.localhost(),
        Duration.ofDays(30),
        Duration.ofDays(1),
        Clock.systemUTC());
    byte[] body = apiServerBody(FIXTURE);
    Path auditFile = WORK.resolve("audit.jsonl");
    Files.deleteIfExists(auditFile);
    Vertx vertx = Vertx.vertx();
    List<Process> processes = new ArrayList<>();
    try {
      int servePort = freePort();
      long started = System.nanoTime();
      List<String> serveArgs = new ArrayList<>(jvmOptions("BENCH_SERVE_JAVA_OPTS"));
      serveArgs.addAll(
          List.of(
              "-jar",
              Path.of("target", "stateguard.jar").toString(),
              "serve",
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(servePort),
              "--tls-cert",
              certs.resolve("tls.crt").toString(),
              "--tls-key",
              certs.resolve("tls.key").toString(),
              "--policies",
              "policies",
              // The default file sink, in the benchmark's folder and new each run (by default
              // serve appends to stateguard-audit.jsonl in the working directory, which grew by
              // gigabytes with each run of this benchmark). Deleted at the end.
              "--audit-file",
              auditFile.toString()));
      Process serve = start(processes, "serve", serveArgs);
      HttpClient client = client(vertx, certs.resolve("ca.crt"), concurrency * 2);
      awaitReady(client, servePort, serve);
      double readyMillis = (System.nanoTime() - started) / 1e6;
      byte[] answer = answer(client, servePort, body);
      Path response = WORK.resolve("response.json");
      Files.write(response, answer);

      int noopPort = freePort();
      Process noop =
          start(
              processes,
              "noop",
              List.of(
                  "-cp",
                  System.getProperty("java.class.path"),
                  NoopServer.class.getName(),
                  Integer.toString(noopPort),
                  certs.resolve("tls.crt").toString(),
                  certs.resolve("tls.key").toString(),
                  response.toString(),
                  Integer.toString(Runtime.getRuntime().availableProcessors())));
      awaitReady(client, noopPort, noop);
      byte[] noopAnswer = answer(client, noopPort, body);

      List<Target> targets =
          List.of(
              new Target("no-op TLS endpoint", noopPort, noop),
              new Target("stateguard serve", servePort, serve));
      List<Result> results = measure(targets, client, body, rate, seconds, warmup, concurrency);
      String report =
          report(
              results,
              readyMillis,
              body.length,
              answer.length,
              noopAnswer.length,
              rate,
              seconds,
              concurrency);
      System.out.println(report);
      Files.writeString(WORK.resolve("results.md"), report);
    } finally {
      for (Process p : processes) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(auditFile);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** One server under test, and what was measured of it so far. */
  private static final class Target {
    final String name;
    final int port;
    final Process process;
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    final List<Long> sliceP99s = new ArrayList<>();
    long rateErrors;
    long completed;
    long closedErrors;
    long serverCpuNanos;
    long generatorCpuNanos;
    long rssIdleKib;
    final AtomicLong rssLoadKib = new AtomicLong();

    Target(String name, int port, Process process) {
      this.name = name;
      this.port = port;
      this.process = process;
    }
  }

  /**
   * Warms both targets up, then measures them in alternating slices (A B, B A, ...), so that
   * whatever else the machine does at the time weighs on both alike.
   */
  private static List<Result> measure(
      List<Target> targets,
      HttpClient client,
      byte[] body,
      int rate,
      int seconds,
      int warmup,
      int concurrency)
      throws Exception {
    for (Target t : targets) {
      System.err.printf("%s: warm-up %d s at %d/s%n", t.name, warmup, rate);
      fixedRate(client, t.port, body, rate, warmup);
    }
    Thread.sleep(1000);
    for (Target t : targets) {
      t.rssIdleKib = rssKib(t.process);
    }
    int slices = Math.max(1, Math.min(4, seconds / 5));
    int slice = Math.max(1, seconds / slices);
    for (int i = 0; i < slices; i++) {
      for (Target t : order(targets, i)) {
        System.err.printf("%s: %d s at %d/s%n", t.name, slice, rate);
        RateRun run = fixedRate(client, t.port, body, rate, slice);
        t.latency.add(run.latency);
        t.sliceP99s.add(run.latency.getValueAtPercentile(99));
        t.rateErrors += run.errors.get();
      }
    }
    for (int i = 0; i < slices; i++) {
      for (Target t : order(targets, i)) {
        System.err.printf("%s: %d s closed loop, %d in flight%n", t.name, slice, concurrency);
        long serverCpu = cpuNanos(t.process.pid());
        long generatorCpu = cpuNanos(ProcessHandle.current().pid());
        ClosedRun closed =
            closedLoop(client, t.port, body, concurrency, slice, t.process, t.rssLoadKib);
        t.serverCpuNanos += cpuNanos(t.process.pid()) - serverCpu;
        t.generatorCpuNanos += cpuNanos(ProcessHandle.current().pid()) - generatorCpu;
        t.completed += closed.completed;
        t.closedErrors += closed.errors;
      }
    }
    List<Result> results = new ArrayList<>();
    for (Target t : targets) {
      results.add(
          new Result(
              t.name,
              rate,
              t.latency,
              t.sliceP99s,
              t.rateErrors,
              t.completed / (double) (slices * slice),
              t.closedErrors,
              t.rssIdleKib,
              t.rssLoadKib.get(),
              t.serverCpuNanos / 1e3 / t.completed,
              t.generatorCpuNanos / 1e3 / t.completed));
    }
    return results;
  }

  private static List<Target> order(List<Target> targets, int slice) {
    if (slice % 2 == 0) {
      return targets;
    }
    List<Target> reversed = new ArrayList<>(targets);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  record RateRun(Histogram latency, AtomicLong errors) {}

  /** Requests at a fixed rate; latency from each request's due time to its complete answer. */
  private static RateRun fixedRate(HttpClient client, int port, byte[] body, int rate, int seconds)
      throws Exception {
    Buffer payload = Buffer.buffer(body);
    return fixedRate(client, port, i -> payload, (i, due, nanos) -> {}, rate, seconds);
  }

  /** What {@link #fixedRate} tells of each request answered with 200. */
  @FunctionalInterface
  interface Answered {
    /**
     * The {@code index}-th request, due at {@code due} ({@link System#nanoTime()}), answered {@code
     * nanos} later.
     */
    void accept(long index, long due, long nanos);
  }

  /**
   * Requests at a fixed rate, the {@code i}-th with body {@code request.apply(i)}, each answered
   * with 200 passed to {@code answered}; latency from each request's due time to its complete
   * answer.
   */
  static RateRun fixedRate(
      HttpClient client,
      int port,
      LongFunction<Buffer> request,
      Answered answered,
      int rate,
      int seconds)
      throws Exception {
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong errors = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long total = (long) rate * seconds;
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      long index = i;
      send(client, port, request.apply(i))
          .onComplete(
              ar -> {
                if (ar.succeeded() && ar.result() == 200) {
                  long nanos = System.nanoTime() - due;
                  latency.recordValue(nanos);
                  answered.accept(index, due, nanos);
                } else {
                  errors.incrementAndGet();
                }
                done.incrementAndGet();
              });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    errors.addAndGet(total - done.get());
    return new RateRun(latency, errors);
  }

  record ClosedRun(long completed, long errors) {}

  /** {@code concurrency} requests in flight for {@code seconds}: the highest throughput. */
  private static ClosedRun closedLoop(
      HttpClient client,
      int port,
      byte[] body,
      int concurrency,
      int seconds,
      Process process,
      AtomicLong rss)
      throws Exception {
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Buffer payload = Buffer.buffer(body);
    AtomicLong inFlight = new AtomicLong(concurrency);
    for (int i = 0; i < concurrency; i++) {
      loop(client, port, payload, end, completed, errors, inFlight);
    }
    while (System.nanoTime() < end) {
      Thread.sleep(500);
      rss.accumulateAndGet(rssKib(process), Math::max);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return new ClosedRun(completed.get(), errors.get());
  }

  private static void loop(
      HttpClient client,
      int port,
      Buffer payload,
      long end,
      AtomicLong completed,
      AtomicLong errors,
      AtomicLong inFlight) {
    send(client, port, payload)
        .onComplete(
            ar -> {
              if (System.nanoTime() >= end) {
                inFlight.decrementAndGet();
                return;
              }
              if (ar.succeeded() && ar.result() == 200) {
                completed.incrementAndGet();
              } else {
                errors.incrementAndGet();
              }
              loop(client, port, payload, end, completed, errors, inFlight);
            });
  }

  static Future<Integer> send(HttpClient client, int port, Buffer payload) {
    return client
        .request(options(port, HttpMethod.POST, "/validate?timeout=10s"))
        .compose(
            req ->
                req.putHeader("content-type", "application/json")
                    .send(payload)
                    .compose(resp -> resp.body().map(b -> resp.statusCode())));
  }

  static HttpClient client(Vertx vertx, Path ca, int connections) {
    return vertx
        .httpClientBuilder()
        .with(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setKeepAlive(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())))
        .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
  }

  static RequestOptions options(int port, HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
        .setHost("localhost")
        .setPort(port)
        .setURI(path)
        .setTimeout(30_000);
  }

  private static byte[] answer(HttpClient client, int port, byte[] body) throws Exception {
    return client
        .request(options(port, HttpMethod.POST, "/validate"))
        .compose(
            req ->
                req.putHeader("content-type", "application/json")
                    .send(Buffer.buffer(body))
                    .compose(resp -> resp.body()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .getBytes();
  }

  static void awaitReady(HttpClient client, int port, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with " + process.exitValue());
      }
      try {
        int status =
            client
                .request(options(port, HttpMethod.GET, "/readyz"))
                .compose(req -> req.send().compose(r -> r.body().map(b -> r.statusCode())))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        // The no-op answers every path; the webhook answers 200 once ready.
        if (status == 200) {
          return;
        }
      } catch (Exception e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("not ready within 120 s");
  }

  private static Process start(List<Process> processes, String name, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(WORK.resolve(name + ".out").toFile())
            .redirectError(WORK.resolve(name + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  /**
   * JVM options for the webhook, from an environment variable (profiling, GC settings); unset, the
   * options {@code ./stateguard serve} runs with ({@link #SERVE_JVM_OPTIONS}).
   */
  static List<String> jvmOptions(String variable) {
    String value = System.getenv(variable);
    if (value == null) {
      return SERVE_JVM_OPTIONS;
    }
    return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  /** What the launcher gives {@code serve} (docs/benchmarks.md, "Request path costs"). */
  static final List<String> SERVE_JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:MetaspaceSize=64m", "-XX:TrimNativeHeapInterval=5000");

  /** CPU time (user and system) a process has used, from /proc (Linux); 0 where unknown. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The resident set size of a process, from /proc (Linux), in KiB; 0 where unknown. */
  private static long rssKib(Process process) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return 0;
  }

  /**
   * The review in {@code fixture} as the API server puts it on the wire: compact JSON, the same
   * fields in the same order. The fixtures are the API server's bodies re-indented for reading (8.8
   * KB for {@code statefulset-create.json}; compact, 3.7 KB), and a benchmark should send what the
   * API server sends: parsing the indentation would be work no webhook in a cluster does.
   */
  static byte[] apiServerBody(Path fixture) throws IOException {
    ObjectMapper json = new ObjectMapper();
    return json.writeValueAsBytes(json.readTree(fixture.toFile()));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String report(
      List<Result> results,
      double readyMillis,
      int requestBytes,
      int answerBytes,
      int noopBytes,
      int rate,
      int seconds,
      int concurrency) {
    Result noop = results.get(0);
    Result serve = results.get(1);
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Run %s on %d cores, Java %s, webhook JVM options [%s]; request %d B, answers %d B (serve) and %d B (no-op).%n%n",
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            String.join(" ", ServeBenchmark.jvmOptions("BENCH_SERVE_JAVA_OPTS")),
            requestBytes,
            answerBytes,
            noopBytes));
    out.append(
        "| target | p50 | p99 | median of slice p99s | p99.9 | max | errors | throughput (closed loop, "
            + concurrency
            + " in flight) | server CPU per request | generator CPU per request | RSS idle |"
            + " RSS under load |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s at %d/s for %d s | %s | %s | %s | %s | %s | %d | %.0f/s | %.0f µs | %.0f µs | %d MiB |"
                  + " %d MiB |%n",
              r.name(),
              r.rate(),
              seconds,
              ms(r.latency().getValueAtPercentile(50)),
              ms(r.latency().getValueAtPercentile(99)),
              ms(median(r.sliceP99s())),
              ms(r.latency().getValueAtPercentile(99.9)),
              ms(r.latency().getMaxValue()),
              r.rateErrors() + r.throughputErrors(),
              r.throughput(),
              r.serverCpuMicrosPerRequest(),
              r.generatorCpuMicrosPerRequest(),
              r.rssIdleKib() / 1024,
              r.rssLoadKib() / 1024));
    }
    double throughputRatio = serve.throughput() / noop.throughput();
    double p99Ratio =
        serve.latency().getValueAtPercentile(99) / (double) noop.latency().getValueAtPercentile(99);
    out.append(
        String.format(
            Locale.ROOT,
            "%nThroughput: serve / no-op = %.2f (target >= 0.80): %s%n",
            throughputRatio,
            throughputRatio >= 0.8 ? "met" : "NOT met"));
    out.append(
        String.format(
            Locale.ROOT,
            "p99 at %d/s: serve / no-op = %.2f (target <= 1.25): %s%n",
            rate,
            p99Ratio,
            p99Ratio <= 1.25 ? "met" : "NOT met"));
    double sliceRatio = median(serve.sliceP99s()) / (double) median(noop.sliceP99s());
    out.append(
        String.format(
            Locale.ROOT,
            "Median of the %d slices' p99s at %d/s: serve / no-op = %.2f (one stall cannot decide"
                + " it; the target is on the p99 above)%s%n",
            serve.sliceP99s().size(),
            rate,
            sliceRatio,
            (p99Ratio <= 1.25) == (sliceRatio <= 1.25)
                ? ""
                : "; it disagrees with the p99's verdict: a stall in one slice decided the p99,"
                    + " and the p99 ratio says little about the webhook"));
    out.append(
        String.format(
            Locale.ROOT,
            "Start to ready (process start to /readyz 200, JVM start included): %.0f ms%n",
            readyMillis));
    return out.toString();
  }

  /** The median of {@code values} (the upper one of an even count). */
  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }
}
