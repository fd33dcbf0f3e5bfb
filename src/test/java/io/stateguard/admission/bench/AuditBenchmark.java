package io.stateguard.admission.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stateguard.audit.ProcessBroker;
import io.stateguard.audit.TopicReader;
import io.stateguard.certs.CertificateFiles;
import io.stateguard.certs.SubjectNames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Admission latency of {@code stateguard serve} with the Kafka audit sink on and off, under the
 * same fixed-rate load, in one run (see docs/benchmarks.md "Audit stream").
 *
 * <p>A single-node KRaft broker runs in its own process; three webhooks run from {@code
 * target/stateguard.jar}, each in its own JVM, with identical settings except the audit sink: Kafka
 * to the broker (the file sink then off, its default), the JSON-lines file (the default when no
 * Kafka is set), and standard output into the null device (the closest to "off": the webhook always
 * has a sink, so this one builds and writes every event but stores none). This JVM is the load
 * generator, as in {@link ServeBenchmark}: each target is warmed up, then measured in alternating
 * slices at a fixed rate with latency counted from each request's due time.
 *
 * <p>Every request carries its own uid (the audit event's id). At the end the webhooks are stopped
 * (SIGTERM, which flushes the audit log) and the topic and the file are read back: each id a
 * webhook answered must be there.
 *
 * <p>Usage (see .ci/bench-audit): {@code AuditBenchmark [rate=1000] [seconds=30] [warmup=15]}
 */
public final class AuditBenchmark {

  /** Environment variables passed on to the Kafka webhook's producer (see startWebhook). */
  private static final String KAFKA_PROPERTY_PREFIX = "BENCH_AUDIT_KAFKA_PROPERTY_";

  private static final Path WORK = Path.of("target", "bench-audit");
  private static final Path FIXTURE =
      Path.of("src/test/resources/ApiServerFixtures/statefulset-create.json");
  private static final String FIXTURE_UID = "36cbdf6c-7775-4ec3-bf03-fddca62e10a3";
  private static final String TOPIC = "stateguard.audit.bench";

  /** Seconds of load on each webhook between the warm-ups and the measured slices. */
  private static final int REOPEN = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditBenchmark() {}

  /** One webhook under test: its audit flags, and what was measured of it. */
  private static final class Target {
    final int index;
    final String name;
    final List<String> auditArgs;
    final AtomicLong sequence = new AtomicLong();
    final Set<Long> answered = ConcurrentHashMap.newKeySet();
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    long errors;
    long measuredNanos;

    /** The whole measured phase: its own slices and the others'. */
    long phaseNanos;

    long serverCpuNanos;
    long brokerCpuNanos;

    /** The p99 of each measured slice, for a statistic that one stalled slice cannot decide. */
    final List<Long> sliceP99s = new ArrayList<>();

    /** Each measured request: due time ({@link System#nanoTime()}) and latency, in pairs. */
    final LongPairs measured = new LongPairs();

    int port;
    Process process;
    String auditMeters = "";

    /** jstat -gc of the webhook before and after the measured slices (empty where unknown). */
    Map<String, Double> gcBefore = Map.of();

    Map<String, Double> gcAfter = Map.of();

    /** Each thread ("name#tid") before and after the measured slices, from /proc. */
    Map<String, ThreadTimes> threadsBefore = Map.of();

    Map<String, ThreadTimes> threadsAfter = Map.of();

    Target(int index, String name, List<String> auditArgs) {
      this.index = index;
      this.name = name;
      this.auditArgs = auditArgs;
    }

    /** The uid of this target's {@code seq}-th request: as long as the fixture's, and unique. */
    String uid(long seq) {
      return String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", index, seq);
    }
  }

  /** What was read back from a sink: records, distinct ids, and answered ids not among them. */
  record Delivery(long records, long distinct, long missing, long unanswered) {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    deleteTree(WORK);
    Files.createDirectories(WORK);
    Path certs = WORK.resolve("certs");
    CertificateFiles.readOrGenerate(
        certs,
        SubjectNames.localhost(),
        Duration.ofDays(30),
        Duration.ofDays(1),
        Clock.systemUTC());
    byte[] template = Files.readAllBytes(FIXTURE);
    int uidAt = new String(template, StandardCharsets.ISO_8859_1).indexOf(FIXTURE_UID);
    if (uidAt < 0) {
      throw new IllegalStateException("no request uid " + FIXTURE_UID + " in " + FIXTURE);
    }
    String loadBefore = loadAverage();
    Vertx vertx = Vertx.vertx();
    List<Target> targets = new ArrayList<>();
    try (ProcessBroker broker = new ProcessBroker(WORK.resolve("broker").toAbsolutePath())) {
      broker.start();
      TopicReader.create(broker.bootstrap(), TOPIC, 3);
      Path file = WORK.resolve("file-sink").resolve("audit.jsonl");
      targets.add(
          new Target(
              1,
              "Kafka sink",
              List.of(
                  "--audit-kafka-bootstrap-servers",
                  broker.bootstrap(),
                  "--audit-kafka-topic",
                  TOPIC)));
      targets.add(new Target(2, "file sink", List.of("--audit-file", file.toString())));
      targets.add(
          new Target(
              3,
              "null sink (stdout to /dev/null)",
              List.of("--audit-file", "off", "--audit-stdout", "true")));
      HttpClient client = ServeBenchmark.client(vertx, certs.resolve("ca.crt"), 32);
      for (Target t : targets) {
        t.port = ServeBenchmark.freePort();
        t.process = startWebhook(t, certs);
        ServeBenchmark.awaitReady(client, t.port, t.process);
      }

      for (Target t : targets) {
        System.err.printf("%s: warm-up %d s at %d/s%n", t.name, warmup, rate);
        run(client, t, template, uidAt, rate, warmup, false);
      }
      // The first webhooks' connections went idle while the others warmed up, longer than the
      // client keeps them: a few seconds each, right before measuring, so that new connections'
      // handshakes (and the recompilation they set off) fall outside the measured slices.
      for (Target t : targets) {
        System.err.printf("%s: %d s at %d/s to open connections again%n", t.name, REOPEN, rate);
        run(client, t, template, uidAt, rate, REOPEN, false);
      }
      Thread.sleep(1000);
      // Collections over the whole measured phase (jstat starts a JVM: never inside a slice).
      for (Target t : targets) {
        t.gcBefore = jstat(t.process.pid());
        t.threadsBefore = threadCpu(t.process.pid());
      }
      long phaseStarted = System.nanoTime();
      int slices = Math.max(1, seconds / 5);
      int slice = Math.max(1, seconds / slices);
      for (int i = 0; i < slices; i++) {
        // Rotated each slice (A B C, B C A, C A B, ...): each target is as often first as last.
        for (int k = 0; k < targets.size(); k++) {
          Target t = targets.get((i + k) % targets.size());
          System.err.printf("%s: %d s at %d/s%n", t.name, slice, rate);
          long server = ServeBenchmark.cpuNanos(t.process.pid());
          long brokerCpu = ServeBenchmark.cpuNanos(broker.pid());
          long started = System.nanoTime();
          ServeBenchmark.RateRun r = run(client, t, template, uidAt, rate, slice, true);
          t.measuredNanos += System.nanoTime() - started;
          t.serverCpuNanos += ServeBenchmark.cpuNanos(t.process.pid()) - server;
          t.brokerCpuNanos += ServeBenchmark.cpuNanos(broker.pid()) - brokerCpu;
          t.latency.add(r.latency());
          t.sliceP99s.add(r.latency().getValueAtPercentile(99));
          t.errors += r.errors().get();
        }
      }
      String loadAfter = loadAverage();
      long phase = System.nanoTime() - phaseStarted;
      for (Target t : targets) {
        t.phaseNanos = phase;
        t.threadsAfter = threadCpu(t.process.pid());
        t.gcAfter = jstat(t.process.pid());
        t.auditMeters = auditMeters(client, t.port);
      }
      List<Integer> exits = new ArrayList<>();
      for (Target t : targets) {
        // SIGTERM: the webhook delivers or spools, then flushes, every event it still holds.
        t.process.destroy();
        if (!t.process.waitFor(60, TimeUnit.SECONDS)) {
          t.process.destroyForcibly();
        }
        exits.add(t.process.exitValue());
      }
      for (Target t : targets) {
        t.measured.write(WORK.resolve("latency-" + t.index + ".csv"), "due_nanos,latency_nanos");
      }
      Delivery kafka = delivered(targets.get(0), readTopic(broker.bootstrap()));
      Delivery lines = delivered(targets.get(1), readFile(file));
      String report =
          report(targets, kafka, lines, exits, rate, seconds, warmup, loadBefore, loadAfter);
      System.out.println(report);
      Files.writeString(WORK.resolve("results.md"), report);
    } finally {
      for (Target t : targets) {
        if (t.process != null && t.process.isAlive()) {
          t.process.destroyForcibly();
        }
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Fixed-rate load on one target, each request with the next uid of that target. */
  private static ServeBenchmark.RateRun run(
      HttpClient client,
      Target t,
      byte[] template,
      int uidAt,
      int rate,
      int seconds,
      boolean measured)
      throws Exception {
    // Uids base, base + 1, ...: the answered callback gets the same index the request had.
    long base = t.sequence.getAndAdd((long) rate * seconds);
    return ServeBenchmark.fixedRate(
        client,
        t.port,
        i -> {
          byte[] body = template.clone();
          byte[] uid = t.uid(base + i).getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(uid, 0, body, uidAt, uid.length);
          return Buffer.buffer(body);
        },
        (i, due, nanos) -> {
          t.answered.add(base + i);
          if (measured) {
            t.measured.add(due, nanos);
          }
        },
        rate,
        seconds);
  }

  private static Path gcLog(Target t) {
    return WORK.resolve("gc-" + t.index + ".log");
  }

  /** "[123ns] GC(7) Pause Young (Allocation Failure) 126M->25M(365M) 1.455ms" */
  private static final Pattern PAUSE =
      Pattern.compile("^\\[(\\d+)ns\\].* Pause Young .* ([\\d.]+)ms$");

  /** Young pauses from a webhook's GC log, as start and end ({@link System#nanoTime()}). */
  static long[] youngPauses(Path log) throws IOException {
    LongPairs pauses = new LongPairs();
    for (String line : Files.readAllLines(log)) {
      Matcher m = PAUSE.matcher(line);
      if (m.matches()) {
        long end = Long.parseLong(m.group(1));
        pauses.add(end - (long) (Double.parseDouble(m.group(2)) * 1e6), end);
      }
    }
    return pauses.toArray();
  }

  /**
   * How the slow requests of {@code t} lie against its webhook's young pauses, and the p99 of the
   * requests that no pause touched.
   */
  private static String nearPauses(Target t) {
    long[] pauses;
    try {
      pauses = youngPauses(gcLog(t));
    } catch (IOException e) {
      return "no GC log (" + e.getMessage() + ")";
    }
    long[] requests = t.measured.toArray();
    long slow = median(t.sliceP99s);
    long slowCount = 0;
    long slowNear = 0;
    long near = 0;
    long pausesMeasured = 0;
    Histogram away = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    for (int i = 0; i < requests.length; i += 2) {
      long due = requests[i];
      long latency = requests[i + 1];
      boolean touched = false;
      for (int p = 0; p < pauses.length && !touched; p += 2) {
        touched = pauses[p] <= due + latency && pauses[p + 1] + 2_000_000 >= due;
      }
      if (touched) {
        near++;
      } else {
        away.recordValue(latency);
      }
      if (latency > slow) {
        slowCount++;
        slowNear += touched ? 1 : 0;
      }
    }
    if (requests.length > 0) {
      long first = requests[0];
      long last = requests[requests.length - 2];
      for (int p = 0; p < pauses.length; p += 2) {
        pausesMeasured += pauses[p] >= first && pauses[p] <= last ? 1 : 0;
      }
    }
    return String.format(
        Locale.ROOT,
        "%d young pauses in the measured phase; %d requests near one; %d slow requests, %d"
            + " (%.0f %%) near a pause; p99 of the requests away from pauses %s",
        pausesMeasured,
        near,
        slowCount,
        slowNear,
        100.0 * slowNear / Math.max(1, slowCount),
        ServeBenchmark.ms(away.getValueAtPercentile(99)));
  }

  /** Pairs of longs, appended from any thread. */
  static final class LongPairs {
    private long[] values = new long[1 << 16];
    private int size;

    synchronized void add(long a, long b) {
      if (size + 2 > values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[size++] = a;
      values[size++] = b;
    }

    synchronized long[] toArray() {
      return Arrays.copyOf(values, size);
    }

    /** A CSV file: the header, then one pair per line. */
    void write(Path file, String header) throws IOException {
      long[] pairs = toArray();
      StringBuilder out = new StringBuilder(header).append('\n');
      for (int i = 0; i < pairs.length; i += 2) {
        out.append(pairs[i]).append(',').append(pairs[i + 1]).append('\n');
      }
      Files.writeString(file, out);
    }
  }

  private static Process startWebhook(Target t, Path certs) throws IOException {
    List<String> command = new ArrayList<>();
    // BENCH_AUDIT_WEBHOOK_CPUS (taskset's list, such as "1"): the webhooks run on these CPUs alone,
    // away from the load generator and the broker (.ci/bench-audit puts those on the others).
    String cpus = System.getenv("BENCH_AUDIT_WEBHOOK_CPUS");
    if (cpus != null && !cpus.isBlank()) {
      command.addAll(List.of("taskset", "-c", cpus.trim()));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ServeBenchmark.jvmOptions("BENCH_SERVE_JAVA_OPTS"));
    // Every collection with its start and end on the clock the load generator reads
    // (System.nanoTime, CLOCK_MONOTONIC on Linux), to set slow requests against pauses.
    command.add("-Xlog:gc:file=" + gcLog(t) + ":timenanos");
    command.addAll(
        List.of(
            "-jar",
            Path.of("target", "stateguard.jar").toString(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(t.port),
            "--tls-cert",
            certs.resolve("tls.crt").toString(),
            "--tls-key",
            certs.resolve("tls.key").toString(),
            "--policies",
            "policies",
            "--audit-cluster",
            "bench",
            "--audit-replica",
            "target-" + t.index,
            "--audit-spool-dir",
            WORK.resolve("spool-" + t.index).toString()));
    command.addAll(t.auditArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(WORK.resolve("webhook-" + t.index + ".log").toFile());
    // BENCH_AUDIT_KAFKA_PROPERTY_<NAME> reaches the Kafka webhook alone, as its
    // STATEGUARD_AUDIT_KAFKA_PROPERTY_<NAME> (the others would refuse a Kafka property without
    // bootstrap servers): producer settings such as compression.type can be compared.
    if (t.auditArgs.contains("--audit-kafka-bootstrap-servers")) {
      System.getenv()
          .forEach(
              (key, value) -> {
                if (key.startsWith(KAFKA_PROPERTY_PREFIX)) {
                  builder
                      .environment()
                      .put(
                          "STATEGUARD_AUDIT_KAFKA_PROPERTY_"
                              + key.substring(KAFKA_PROPERTY_PREFIX.length()),
                          value);
                }
              });
    }
    // The null sink's events go to the null device; the others have nothing on stdout.
    builder.redirectOutput(
        t.auditArgs.contains("--audit-stdout")
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(WORK.resolve("webhook-" + t.index + ".out").toFile()));
    return builder.start();
  }

  /**
   * The webhook's heap counters from {@code jstat -gc} (YGC, YGCT, FGC, FGCT, OU, ...); empty when
   * jstat is missing or fails, so the benchmark still runs on a JRE.
   */
  private static Map<String, Double> jstat(long pid) {
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    if (!Files.isExecutable(jstat)) {
      return Map.of();
    }
    try {
      Process p =
          new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      List<String> lines =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || lines.size() < 2) {
        return Map.of();
      }
      String[] names = lines.get(0).trim().split("\\s+");
      String[] values = lines.get(1).trim().split("\\s+");
      Map<String, Double> gc = new HashMap<>();
      for (int i = 0; i < Math.min(names.length, values.length); i++) {
        try {
          gc.put(names[i], Double.parseDouble(values[i]));
        } catch (NumberFormatException e) {
          // a column without a value ("-"): left out
        }
      }
      return gc;
    } catch (IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** A thread's CPU time (user and system) and how often it gave up its core, from /proc. */
  record ThreadTimes(long cpuNanos, long switches) {
    ThreadTimes minus(ThreadTimes earlier) {
      return earlier == null
          ? this
          : new ThreadTimes(cpuNanos - earlier.cpuNanos, switches - earlier.switches);
    }
  }

  /**
   * Each thread of a process, keyed "name#tid" (Linux keeps 15 characters of a name), with its CPU
   * time and its context switches (voluntary and forced); empty where /proc cannot be read.
   */
  private static Map<String, ThreadTimes> threadCpu(long pid) {
    Map<String, ThreadTimes> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          long switches = 0;
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")
                || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          // USER_HZ is 100
          threads.put(
              name + "#" + task.getFileName(), new ThreadTimes(ticks * 10_000_000L, switches));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return threads;
  }

  /**
   * The threads that used the most CPU over the measured phase, in µs per measured request, each
   * with how many times a second it gave up its core (mostly: went to sleep, to be woken again).
   */
  private static String topThreads(Target t, int n) {
    long requests = Math.max(1, t.latency.getTotalCount());
    double seconds = Math.max(1, t.phaseNanos) / 1e9;
    return t.threadsAfter.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().minus(t.threadsBefore.get(e.getKey()))))
        .filter(e -> e.getValue().cpuNanos() > 0)
        .sorted(
            Comparator.comparingLong((Map.Entry<String, ThreadTimes> e) -> e.getValue().cpuNanos())
                .reversed())
        .limit(n)
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "%s %.0f µs (%.0f switches/s)",
                    e.getKey().replaceAll("#\\d+$", ""),
                    e.getValue().cpuNanos() / 1e3 / requests,
                    e.getValue().switches() / seconds))
        .reduce((a, b) -> a + ", " + b)
        .orElse("unknown");
  }

  /** How much a jstat counter grew over the measured phase; NaN where unknown. */
  private static double gcDelta(Target t, String counter) {
    Double before = t.gcBefore.get(counter);
    Double after = t.gcAfter.get(counter);
    return before == null || after == null ? Double.NaN : after - before;
  }

  /** The webhook's {@code stateguard_audit_events_total} lines that are not zero. */
  private static String auditMeters(HttpClient client, int port) throws Exception {
    String text =
        client
            .request(
                new io.vertx.core.http.RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost("localhost")
                    .setPort(port)
                    .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                    .setURI("/metrics"))
            .compose(req -> req.send().compose(resp -> resp.body()))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .toString(StandardCharsets.UTF_8);
    return text.lines()
        .filter(l -> l.startsWith("stateguard_audit_events_total"))
        .filter(l -> !l.endsWith(" 0.0"))
        .reduce((a, b) -> a + "; " + b)
        .orElse("none");
  }

  /** The event id of every record on the topic, to the end of every partition. */
  private static List<String> readTopic(String bootstrap) throws IOException {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000);
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(TOPIC, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("the topic was not read to its end within 120 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          ids.add(JSON.readTree(r.value()).get("id").asText());
        }
      }
    }
    return ids;
  }

  /** The event id of every line of the audit file. */
  private static List<String> readFile(Path file) throws IOException {
    List<String> ids = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        ids.add(JSON.readTree(line).get("id").asText());
      }
    }
    return ids;
  }

  private static Delivery delivered(Target t, List<String> ids) {
    Set<String> distinct = new HashSet<>(ids);
    Set<String> expected = new HashSet<>();
    for (long seq : t.answered) {
      expected.add(t.uid(seq));
    }
    long missing = expected.stream().filter(id -> !distinct.contains(id)).count();
    long unanswered = distinct.stream().filter(id -> !expected.contains(id)).count();
    return new Delivery(ids.size(), distinct.size(), missing, unanswered);
  }

  private static String report(
      List<Target> targets,
      Delivery kafka,
      Delivery file,
      List<Integer> exits,
      int rate,
      int seconds,
      int warmup,
      String loadBefore,
      String loadAfter) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Run %s on %d cores, Java %s, webhook JVM options [%s]; %d/s, %d s measured per target in 5-s slices after %d s"
                + " warm-up; load average before %s, after %s.%n%n",
            LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            String.join(" ", ServeBenchmark.jvmOptions("BENCH_SERVE_JAVA_OPTS")),
            rate,
            seconds,
            warmup,
            loadBefore,
            loadAfter));
    out.append(
        "| audit sink | p50 | p99 | median of slice p99s | p99.9 | max | errors |"
            + " webhook CPU / request | broker CPU during its slices | young GCs (pause total) |"
            + " full GCs | exit |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      double seconds1 = t.measuredNanos / 1e9;
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %d | %.0f µs | %.0f %% of a core | %.0f (%.0f ms) |"
                  + " %.0f | %d |%n",
              t.name,
              ServeBenchmark.ms(t.latency.getValueAtPercentile(50)),
              ServeBenchmark.ms(t.latency.getValueAtPercentile(99)),
              ServeBenchmark.ms(median(t.sliceP99s)),
              ServeBenchmark.ms(t.latency.getValueAtPercentile(99.9)),
              ServeBenchmark.ms(t.latency.getMaxValue()),
              t.errors,
              t.serverCpuNanos / 1e3 / Math.max(1, t.latency.getTotalCount()),
              100 * t.brokerCpuNanos / 1e9 / seconds1,
              gcDelta(t, "YGC"),
              1000 * gcDelta(t, "YGCT"),
              gcDelta(t, "FGC"),
              exits.get(i)));
    }
    long kafkaP99 = targets.get(0).latency.getValueAtPercentile(99);
    long kafkaSliceP99 = median(targets.get(0).sliceP99s);
    for (Target base : targets.subList(1, targets.size())) {
      double ratio = kafkaP99 / (double) base.latency.getValueAtPercentile(99);
      double sliceRatio = kafkaSliceP99 / (double) median(base.sliceP99s);
      out.append(
          String.format(
              Locale.ROOT,
              "%np99 Kafka / %s = %.2f (target <= 1.10): %s; median of slice p99s Kafka / %s ="
                  + " %.2f: %s",
              base.name,
              ratio,
              ratio <= 1.10 ? "met" : "NOT met",
              base.name,
              sliceRatio,
              sliceRatio <= 1.10 ? "met" : "NOT met"));
    }
    out.append("\n\n");
    out.append(delivery("Kafka topic", targets.get(0), kafka));
    out.append(delivery("audit file", targets.get(1), file));
    for (Target t : targets) {
      out.append(String.format(Locale.ROOT, "%s meters: %s%n", t.name, t.auditMeters));
    }
    out.append(
        "\nYoung collections and slow requests (slow: over the median of the slice p99s; near a"
            + " pause: answered during a pause of its webhook, or due within 2 ms after one):\n");
    for (Target t : targets) {
      out.append(String.format(Locale.ROOT, "- %s: %s%n", t.name, nearPauses(t)));
    }
    out.append(
        "\nThreads by CPU over the whole measured phase (its own slices and the others'), per"
            + " request it answered in its slices:\n");
    for (Target t : targets) {
      out.append(String.format(Locale.ROOT, "- %s: %s%n", t.name, topThreads(t, 8)));
    }
    return out.toString();
  }

  /**
   * The median of per-slice values: a stall of a few hundred milliseconds in one 5-second slice
   * (another process taking the cores) moves one slice's p99, not the median of all of them.
   */
  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String delivery(String where, Target t, Delivery d) {
    return String.format(
        Locale.ROOT,
        "%s: %d requests answered (warm-up included), %d records, %d distinct ids, %d answered ids"
            + " missing, %d ids not answered with 200, %d duplicates: %s%n",
        where,
        t.answered.size(),
        d.records(),
        d.distinct(),
        d.missing(),
        d.unanswered(),
        d.records() - d.distinct(),
        d.missing() == 0 ? "every event arrived" : "EVENTS MISSING");
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
