package io.stateguard.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of the audit stream: {@link #record} hands an event to every configured sink (Kafka,
 * JSON-lines file, standard output) without blocking and without throwing.
 *
 * <p>Events wait in a bounded in-memory queue for one writer thread, which writes the line sinks,
 * sends to Kafka or spools for it ({@link KafkaForwarder}), forces files every flush interval and
 * publishes metrics. In {@link Durability#ASYNC} the writer is woken by the first event of a batch
 * and waits up to {@link #LINGER} for more before it writes, so that a steady load is written a
 * batch at a time: waking a thread and a write to the file for each event cost more CPU than making
 * the event (on the cores that answer admissions), and the wait is small beside the flush interval.
 * In {@link Durability#SYNC} the response waits for the event, so the writer is woken for each one
 * and does not wait. When the queue is full an event is dropped, counted and logged with its id
 * (the log line is the record of last resort). {@link #close} delivers or spools everything still
 * held and flushes every sink.
 *
 * <p>Threading: {@link #record}, {@link #status} and {@link #close} may be called from any thread,
 * an event loop included; they never block.
 */
public final class AuditLog {

  private static final Logger LOGGER = LoggerFactory.getLogger(AuditLog.class);
  private static final int BATCH = 512;

  /** How long the writer waits after the first event of a batch, in {@code async} durability. */
  static final Duration LINGER = Duration.ofMillis(20);

  private record Pending(AuditEvent event, CompletableFuture<Void> kept) {}

  private final AuditConfig config;

  /**
   * Events for the writer. Lock-free, so that an event loop handing one over never waits for a lock
   * another thread holds (on a busy machine, a thread holding a lock can lose its core for
   * milliseconds); bounded by {@link #queued}.
   */
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

  /** Events in {@link #queue}: counted up before an event goes in, down as the writer takes it. */
  private final AtomicInteger queued = new AtomicInteger();

  private final int capacity;
  private final List<LineSink> lines;
  private final Spool spool;
  private final KafkaForwarder kafka;
  private final Vertx ownVertx;
  private final AuditMetrics metrics;
  private final Clock clock;
  private final Map<String, String> sinkProblems = new LinkedHashMap<>();
  private final long lingerNanos;
  private final int wakeAt;
  private final Thread writer;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean closing;

  /**
   * Set by the writer just before it parks with an empty queue (and it looks at the queue again
   * after setting it), so a {@link #record} that sees it false knows the writer will see its event.
   */
  private volatile boolean idle;

  private volatile AuditStatus status = AuditStatus.starting();

  private AuditLog(
      AuditConfig config,
      List<LineSink> lines,
      Spool spool,
      KafkaLink link,
      Vertx ownVertx,
      MeterRegistry meters,
      Clock clock) {
    this.config = config;
    this.clock = clock;
    this.capacity = config.queueCapacity();
    this.lingerNanos =
        config.durability() == Durability.SYNC
            ? 0
            : Math.min(LINGER.toNanos(), config.spool().flushInterval().toNanos());
    // A batch is written early when it is full, or when it fills half the queue, so that lingering
    // never drops an event a writer without it would have kept.
    this.wakeAt = Math.max(1, Math.min(BATCH, config.queueCapacity() / 2));
    this.lines = lines;
    this.spool = spool;
    this.ownVertx = ownVertx;
    List<String> sinks = new ArrayList<>();
    lines.forEach(l -> sinks.add(l.name()));
    if (link != null) {
      sinks.add(KafkaForwarder.SINK);
    }
    this.metrics = new AuditMetrics(meters, sinks, queued);
    this.writer = new Thread(this::run, "stateguard-audit-writer");
    this.writer.setDaemon(true);
    this.kafka =
        link == null
            ? null
            : new KafkaForwarder(
                link,
                spool,
                config.durability(),
                config.kafka().orElseThrow().spoolAfter(),
                config.kafka().orElseThrow().maxInFlight(),
                metrics,
                () -> LockSupport.unpark(writer));
  }

  /**
   * Opens every sink of {@code config} and starts the writer.
   *
   * @param vertx the Vert.x instance the Kafka producer runs on; null to have the log make (and
   *     close) its own when Kafka is configured, so that completing sends never takes an event loop
   *     of the caller's
   * @param meters where the audit meters are registered
   * @param stdout where the standard output sink writes (never closed)
   * @throws AuditConfigException when the file or the spool folder cannot be used
   */
  public static AuditLog start(
      AuditConfig config, Vertx vertx, MeterRegistry meters, OutputStream stdout) {
    return start(config, vertx, meters, stdout, Clock.systemUTC());
  }

  /**
   * Opens the sinks of {@code config} for a one-shot run (a report): meters are kept in memory, and
   * a Vert.x instance is made for Kafka when needed and closed with the log.
   */
  public static AuditLog start(AuditConfig config, OutputStream stdout) {
    return start(config, null, new SimpleMeterRegistry(), stdout);
  }

  /** As {@link #start}, with the clock that stamps spooled events (tests move it). */
  static AuditLog start(
      AuditConfig config, Vertx vertx, MeterRegistry meters, OutputStream stdout, Clock clock) {
    List<String> problems = new ArrayList<>();
    List<LineSink> lines = new ArrayList<>();
    Spool spool = null;
    if (config.file().isPresent()) {
      try {
        lines.add(LineSink.file(config.file().get()));
      } catch (IOException | RuntimeException e) {
        problems.add(
            "audit.file="
                + config.file().get()
                + ": cannot be opened for appending ("
                + Messages.of(e)
                + "); name a writable file or set audit.file=off");
      }
    }
    if (config.stdout()) {
      lines.add(LineSink.stream("stdout", stdout));
    }
    if (config.kafka().isPresent()) {
      AuditConfig.SpoolSettings s = config.spool();
      try {
        spool = Spool.open(s.dir(), s.maxBytes(), s.segmentBytes(), s.whenFull(), clock);
      } catch (IOException | RuntimeException e) {
        problems.add(
            "audit.spool.dir="
                + s.dir()
                + ": cannot be used as the spool ("
                + Messages.of(e)
                + "); name a writable folder this process alone uses");
      }
    }
    if (!problems.isEmpty()) {
      closeQuietly(lines, spool);
      throw new AuditConfigException(problems);
    }
    Vertx own = null;
    KafkaLink link = null;
    if (config.kafka().isPresent()) {
      Vertx v = vertx;
      if (v == null) {
        // One event loop is plenty: it only completes sends (the producer has its own thread).
        own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        v = own;
      }
      link = new VertxKafkaLink(v, config.kafka().get());
    }
    AuditLog log = new AuditLog(config, lines, spool, link, own, meters, clock);
    if (log.kafka != null) {
      log.kafka.probe();
    }
    log.writer.start();
    LOGGER
        .atInfo()
        .addKeyValue("sinks", log.sinkNames())
        .addKeyValue("durability", config.durability())
        .log("audit: started");
    return log;
  }

  private List<String> sinkNames() {
    List<String> names = new ArrayList<>();
    lines.forEach(l -> names.add(l.name()));
    if (kafka != null) {
      names.add(KafkaForwarder.SINK);
    }
    return names;
  }

  /**
   * Hands {@code event} to every sink. Never blocks and never throws. In {@link Durability#ASYNC}
   * the stage is complete at once; in {@link Durability#SYNC} it completes when the event is
   * written and forced to disk (the spool for Kafka, the file), or fails with {@link
   * AuditException} when it could not be. It also fails when the event was dropped because the
   * queue was full or the log is closed.
   */
  public CompletionStage<Void> record(AuditEvent event) {
    try {
      if (closing) {
        dropped(event, "the audit log is closed");
        return CompletableFuture.failedStage(new AuditException("the audit log is closed"));
      }
      CompletableFuture<Void> kept =
          config.durability() == Durability.SYNC ? new CompletableFuture<>() : null;
      int waiting = queued.incrementAndGet();
      if (waiting > capacity) {
        queued.decrementAndGet();
        String why = "audit queue full (" + capacity + " events, audit.queue.capacity)";
        dropped(event, why);
        return CompletableFuture.failedStage(new AuditException(why));
      }
      queue.offer(new Pending(event, kept));
      // Waking the writer is a system call: only when it sleeps with nothing to do, for a full
      // batch, or for an event the caller waits for. A writer that is awake (lingering over a
      // batch, writing) drains the queue anyway.
      if (kept != null || waiting >= wakeAt || idle) {
        LockSupport.unpark(writer);
      }
      return kept == null ? CompletableFuture.completedStage(null) : kept;
    } catch (RuntimeException e) {
      return CompletableFuture.failedStage(e);
    }
  }

  /** The health of the stream as of the writer's last round (at most a flush interval old). */
  public AuditStatus status() {
    return status;
  }

  /**
   * Stops taking events, delivers or spools every event still held (waiting for Kafka at most
   * {@code audit.close-timeout}), flushes and closes every sink. Idempotent.
   */
  public CompletionStage<Void> close() {
    closing = true;
    LockSupport.unpark(writer);
    return closed;
  }

  private void dropped(AuditEvent event, String why) {
    for (String sink : sinkNames()) {
      metrics.count(sink, Outcome.DROPPED, 1);
    }
    LOGGER
        .atError()
        .addKeyValue("id", event.id())
        .addKeyValue("subject", event.subject())
        .addKeyValue("operation", event.operation())
        .addKeyValue("user", event.user().username())
        .addKeyValue("allowed", event.allowed())
        .addKeyValue("reason", why)
        .log("audit: event dropped");
  }

  private void run() {
    long flushNanos = config.spool().flushInterval().toNanos();
    long nextForce = System.nanoTime() + flushNanos;
    List<Pending> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        batch.clear();
        linger();
        take(batch);
        long now = System.nanoTime();
        if (!batch.isEmpty()) {
          write(batch, now);
        }
        if (kafka != null) {
          kafka.poll(now);
        }
        if (now - nextForce >= 0) {
          forceAll();
          publishStatus();
          nextForce = now + flushNanos;
        }
        if (closing && queue.isEmpty()) {
          break;
        }
        if (batch.isEmpty()) {
          long until = nextForce;
          if (kafka != null) {
            until = Math.min(until, kafka.nextDeadline(now));
          }
          idle = true;
          if (queue.isEmpty() && !closing) {
            LockSupport.parkNanos(Math.max(until - System.nanoTime(), 100_000));
          }
          idle = false;
        }
      } catch (IOException | RuntimeException e) {
        // Never let one failure stop the writer: report it and go on.
        LOGGER.atError().setCause(e).log("audit: unexpected failure in the writer; continuing");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    shutdown();
  }

  /**
   * Waits up to the linger time for a batch begun in the queue to fill up; returns at once when
   * there is no batch begun, it is full, or the log is closing. A wake-up (a full batch, Kafka's
   * acknowledgements, close) ends the wait early: the batch is then simply smaller.
   */
  private void linger() {
    int waiting = queued.get();
    if (lingerNanos == 0 || waiting == 0 || waiting >= wakeAt || closing) {
      return;
    }
    LockSupport.parkNanos(lingerNanos);
  }

  /** Moves up to a batch of events from the queue into {@code batch}. */
  private void take(List<Pending> batch) {
    Pending p;
    while (batch.size() < BATCH && (p = queue.poll()) != null) {
      batch.add(p);
    }
    queued.addAndGet(-batch.size());
  }

  private void write(List<Pending> batch, long now) throws IOException {
    List<String> failures = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      failures.add(writeOne(p.event(), now));
    }
    boolean forced = true;
    if (config.durability() == Durability.SYNC) {
      forced = forceAll();
    } else {
      flushLines();
    }
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<Void> kept = batch.get(i).kept();
      if (kept == null) {
        continue;
      }
      String failure =
          failures.get(i) != null ? failures.get(i) : forced ? null : "forcing to disk failed";
      if (failure == null) {
        kept.complete(null);
      } else {
        kept.completeExceptionally(new AuditException(failure));
      }
    }
  }

  /** Writes one event to every sink; returns why a durable sink did not take it, or null. */
  private String writeOne(AuditEvent event, long now) {
    byte[] json;
    try {
      json = event.toJson();
    } catch (RuntimeException e) {
      dropped(event, "cannot serialize: " + Messages.of(e));
      return "cannot serialize";
    }
    String failure = null;
    for (LineSink sink : lines) {
      try {
        sink.write(json);
      } catch (IOException e) {
        sinkFailed(sink, e);
        if (sink.durable()) {
          failure = sink.name() + ": " + Messages.of(e);
        }
      }
    }
    if (kafka != null) {
      try {
        if (kafka.offer(event.key(), json, now) == KafkaForwarder.Accepted.REJECTED) {
          metrics.count(KafkaForwarder.SINK, Outcome.DROPPED, 1);
          logDrop(event, "spool full (audit.spool.max-bytes, audit.spool.when-full=reject-new)");
          failure = "kafka spool full";
        }
      } catch (IOException e) {
        metrics.count(KafkaForwarder.SINK, Outcome.DROPPED, 1);
        logDrop(event, "cannot write the spool: " + Messages.of(e));
        failure = "kafka spool: " + Messages.of(e);
      }
    }
    return failure;
  }

  private void logDrop(AuditEvent event, String why) {
    LOGGER
        .atError()
        .addKeyValue("id", event.id())
        .addKeyValue("subject", event.subject())
        .addKeyValue("operation", event.operation())
        .addKeyValue("user", event.user().username())
        .addKeyValue("allowed", event.allowed())
        .addKeyValue("sink", KafkaForwarder.SINK)
        .addKeyValue("reason", why)
        .log("audit: event dropped");
  }

  private void flushLines() {
    for (LineSink sink : lines) {
      try {
        long n = sink.flush();
        metrics.count(sink.name(), Outcome.SENT, n);
        if (n > 0) {
          recovered(sink);
        }
      } catch (IOException e) {
        sinkFailed(sink, e);
      }
    }
  }

  /** Flushes and forces every sink and the spool; false when any durable one failed. */
  private boolean forceAll() {
    boolean ok = true;
    for (LineSink sink : lines) {
      try {
        long n = sink.flush();
        sink.force();
        metrics.count(sink.name(), Outcome.SENT, n);
        if (n > 0) {
          recovered(sink); // only lines written prove the sink works again
        }
      } catch (IOException e) {
        sinkFailed(sink, e);
        ok &= !sink.durable();
      }
    }
    if (spool != null) {
      try {
        spool.force();
      } catch (IOException e) {
        ok = false;
        LOGGER
            .atError()
            .addKeyValue("spool", spool.dir())
            .addKeyValue("reason", Messages.of(e))
            .log("audit: cannot force the spool to disk");
      }
    }
    return ok;
  }

  private void sinkFailed(LineSink sink, IOException e) {
    long lost = sink.reset();
    metrics.count(sink.name(), Outcome.DROPPED, lost);
    metrics.degraded(sink.name(), true);
    String problem = sink.name() + ": " + Messages.of(e);
    if (sinkProblems.put(sink.name(), problem) == null) {
      LOGGER
          .atError()
          .addKeyValue("sink", sink.name())
          .addKeyValue("lost", lost)
          .addKeyValue("reason", Messages.of(e))
          .log("audit: sink failing; its events are counted as dropped until it recovers");
    }
  }

  private void recovered(LineSink sink) {
    if (sinkProblems.remove(sink.name()) != null) {
      metrics.degraded(sink.name(), false);
      LOGGER.atInfo().addKeyValue("sink", sink.name()).log("audit: sink recovered");
    }
  }

  private void publishStatus() throws IOException {
    List<String> problems = new ArrayList<>(sinkProblems.values());
    long bytes = 0;
    Optional<Duration> oldest = Optional.empty();
    if (spool != null) {
      bytes = spool.bytes();
      oldest =
          spool
              .oldest()
              .map(t -> Duration.ofMillis(Math.max(0, clock.millis() - t.toEpochMilli())));
      metrics.spoolBytes.set(bytes);
      metrics.oldestSpooledMillis.set(oldest.map(Duration::toMillis).orElse(0L));
    }
    if (kafka != null && kafka.problem() != null) {
      problems.add(KafkaForwarder.SINK + ": " + kafka.problem());
    }
    status = new AuditStatus(!problems.isEmpty(), problems, queued.get(), bytes, oldest);
  }

  private void shutdown() {
    try {
      if (kafka != null) {
        long deadline = System.nanoTime() + config.closeTimeout().toNanos();
        while (!kafka.idle() && System.nanoTime() - deadline < 0) {
          kafka.poll(System.nanoTime());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        long spooled = kafka.spoolUnacknowledged();
        if (spooled > 0 || !spool.drained()) {
          LOGGER
              .atWarn()
              .addKeyValue("spool", spool.dir())
              .addKeyValue("bytes", spool.bytes())
              .log(
                  "audit: closing with events not yet in Kafka; they stay in the spool for the next start");
        }
      }
      forceAll();
      publishStatus();
      if (kafka != null) {
        kafka.link().close(1_000).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOGGER.atError().setCause(e).log("audit: failure while closing");
    } finally {
      closeQuietly(lines, spool);
      if (ownVertx != null) {
        ownVertx.close();
      }
      closed.complete(null);
    }
  }

  private static void closeQuietly(List<LineSink> lines, Spool spool) {
    for (LineSink sink : lines) {
      try {
        sink.close();
      } catch (IOException e) {
        LOGGER
            .atError()
            .addKeyValue("sink", sink.name())
            .setCause(e)
            .log("audit: cannot close sink");
      }
    }
    if (spool != null) {
      try {
        spool.close();
      } catch (IOException e) {
        LOGGER.atError().setCause(e).log("audit: cannot close the spool");
      }
    }
  }

  /** Events by sink and outcome so far (for status pages and tests). */
  long count(String sink, Outcome outcome) {
    return metrics.count(sink, outcome);
  }

  /** Events dropped so far, by any sink. */
  public long dropped() {
    long n = 0;
    for (String sink : sinkNames()) {
      n += metrics.count(sink, Outcome.DROPPED);
    }
    return n;
  }
}
