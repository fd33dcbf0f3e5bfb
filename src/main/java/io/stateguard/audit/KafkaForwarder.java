package io.stateguard.audit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to Kafka in order, through the spool whenever Kafka cannot keep up.
 *
 * <p>In {@link Mode#DIRECT} (asynchronous durability, empty spool) events are sent from memory. A
 * failed send, a send unacknowledged for {@code spool-after}, or too many unacknowledged sends
 * switch to {@link Mode#SPOOLING}: the unacknowledged events are copied to the spool in order, then
 * every new event is appended behind them. Once the copied sends have all resolved (those that
 * succeeded are remembered and skipped), the spool is replayed in order; when it is drained the
 * forwarder goes back to direct sends. In synchronous durability every event is spooled first and
 * always delivered from the spool.
 *
 * <p>What a direct send must keep until it is acknowledged, its bytes for the spool, is kept off
 * the Java heap ({@link OffHeapFifo}, {@link #SENT_BYTES} at most): the producer's own copy is in
 * its compressed batch by then, so the event's heap array dies young. When the unacknowledged
 * events fill that buffer, the forwarder spools, as it does at {@code max-in-flight}.
 *
 * <p>A replay send that fails rewinds to the first unacknowledged event and retries after a growing
 * pause: delivery is at least once, never reordered by the retry. An event Kafka can never take
 * (larger than the broker allows) is dropped, logged with its id and counted.
 *
 * <p>Threading: every method is called on the audit writer thread. Send completions arrive on other
 * threads; they are queued and handled in {@link #poll}. While direct sends flow well below {@code
 * max-in-flight}, an acknowledgement does not wake the writer: it is handled on the writer's next
 * round (the next batch of events, or at the latest the flush interval or the oldest send's {@code
 * spool-after} deadline), so that a steady stream costs no extra thread wake-ups. Replay, a failed
 * send, or in-flight sends past half the limit need them handled at once: then the first completion
 * after a poll wakes the writer, the rest of a burst (one produce response acknowledges many
 * events) does not.
 */
final class KafkaForwarder {

  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaForwarder.class);
  static final String SINK = "kafka";
  private static final int REPLAY_WINDOW = 512;
  private static final long MIN_BACKOFF_NANOS = 250_000_000L;
  private static final long MAX_BACKOFF_NANOS = 30_000_000_000L;

  enum Mode {
    DIRECT,
    SPOOLING
  }

  /** What {@link #offer} did with an event. */
  enum Accepted {
    SENT,
    SPOOLED,
    REJECTED
  }

  /**
   * Bytes of unacknowledged direct sends kept off the heap, at most (see {@link OffHeapFifo}): at
   * 1,000 events/s of 3 KB, over a second of events, far more than the few tens in flight while
   * Kafka keeps up.
   */
  static final int SENT_BYTES = 4 << 20;

  /**
   * A direct send. Its bytes are in {@link #sent}, not here: a send lives until Kafka acknowledges
   * it, through several young collections, and each would copy the bytes again.
   */
  private static final class Direct {
    final String key;
    final long at;
    final int length;
    final long sentNanos;
    Spool.Position copiedTo;
    boolean done;

    Direct(String key, long at, int length, long sentNanos) {
      this.key = key;
      this.at = at;
      this.length = length;
      this.sentNanos = sentNanos;
    }

    long end() {
      return at + length;
    }
  }

  private static final class Replay {
    final Spool.Entry entry;
    final long epoch;
    boolean acked;

    Replay(Spool.Entry entry, long epoch, boolean acked) {
      this.entry = entry;
      this.epoch = epoch;
      this.acked = acked;
    }
  }

  private record Completion(Object send, Throwable failure) {}

  private static final Object PROBE = new Object();

  private final KafkaLink link;
  private final Spool spool;
  private final boolean sync;
  private final long spoolAfterNanos;
  private final int maxInFlight;
  private final AuditMetrics metrics;
  private final Runnable wakeup;

  /** The bytes of every event in {@link #direct}, in the same order. */
  private final OffHeapFifo sent;

  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();

  /** A wake-up was asked since the last {@link #poll}: the rest of a burst needs none. */
  private final AtomicBoolean wakePending = new AtomicBoolean();

  /** Whether completions must wake the writer (set by the writer; see the class comment). */
  private volatile boolean prompt = true;

  private final ArrayDeque<Direct> direct = new ArrayDeque<>();
  private final ArrayDeque<Replay> replay = new ArrayDeque<>();
  private final TreeSet<Spool.Position> deliveredCopies = new TreeSet<>();
  private Mode mode;
  private long epoch;

  /**
   * How many replayed sends may be unacknowledged: 1 after a failure, one more with each
   * acknowledgement (so it doubles every round trip). While Kafka is unreachable a send can block
   * its sending thread for {@code max.block.ms}; starting small keeps such sends from piling up
   * behind each other.
   */
  private int window = 1;

  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long retryAtNanos;
  private volatile String problem;

  KafkaForwarder(
      KafkaLink link,
      Spool spool,
      Durability durability,
      Duration spoolAfter,
      int maxInFlight,
      AuditMetrics metrics,
      Runnable wakeup) {
    this(
        link,
        spool,
        durability,
        spoolAfter,
        maxInFlight,
        new OffHeapFifo(SENT_BYTES),
        metrics,
        wakeup);
  }

  KafkaForwarder(
      KafkaLink link,
      Spool spool,
      Durability durability,
      Duration spoolAfter,
      int maxInFlight,
      OffHeapFifo sent,
      AuditMetrics metrics,
      Runnable wakeup) {
    this.link = link;
    this.sent = sent;
    this.spool = spool;
    this.sync = durability == Durability.SYNC;
    this.spoolAfterNanos = spoolAfter.toNanos();
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
    this.wakeup = wakeup;
    this.mode = sync || !spool.drained() ? Mode.SPOOLING : Mode.DIRECT;
    if (!spool.drained()) {
      LOGGER
          .atInfo()
          .addKeyValue("spool", spool.dir())
          .addKeyValue("bytes", spool.bytes())
          .log("audit: replaying events spooled before the restart");
    }
    metrics.degraded(SINK, false);
  }

  /** Starts a check that Kafka answers, so a bad address shows as degraded before any event. */
  void probe() {
    link.probe().whenComplete((ok, failure) -> complete(PROBE, failure));
  }

  private void probed(Throwable failure) {
    if (failure == null) {
      return;
    }
    if (problem == null) {
      problem = "cannot reach Kafka: " + Messages.of(failure);
    }
    metrics.degraded(SINK, true);
    LOGGER
        .atWarn()
        .addKeyValue("reason", Messages.of(failure))
        .log("audit: Kafka does not answer; events will be spooled until it does");
  }

  /**
   * Takes one event: sends it, or appends it to the spool.
   *
   * @throws IOException when the spool cannot be written (the event is not kept)
   */
  Accepted offer(String key, byte[] value, long nowNanos) throws IOException {
    if (mode == Mode.DIRECT) {
      long at = direct.size() < maxInFlight ? sent.add(value) : -1;
      if (at >= 0) {
        Direct d = new Direct(key, at, value.length, nowNanos);
        direct.addLast(d);
        link.send(key, value).whenComplete((ok, failure) -> complete(d, failure));
        return Accepted.SENT;
      }
      spoolFrom(
          direct.size() >= maxInFlight
              ? maxInFlight + " events sent and not yet acknowledged"
              : "an event of "
                  + value.length
                  + " bytes does not fit beside the "
                  + sent.used()
                  + " bytes of events sent and not yet acknowledged (at most "
                  + sent.capacity()
                  + ")");
    }
    return append(key, value) ? Accepted.SPOOLED : Accepted.REJECTED;
  }

  private boolean append(String key, byte[] value) throws IOException {
    Spool.Appended appended = spool.append(key, value);
    if (appended.droppedOldest() > 0) {
      metrics.count(SINK, Outcome.DROPPED, appended.droppedOldest());
      LOGGER
          .atError()
          .addKeyValue("dropped", appended.droppedOldest())
          .addKeyValue("spool", spool.dir())
          .log(
              "audit: spool full; deleted its oldest segment to make room (audit.spool.when-full=drop-oldest)");
    }
    if (appended.at().isEmpty()) {
      return false;
    }
    metrics.count(SINK, Outcome.SPOOLED, 1);
    return true;
  }

  private void complete(Object send, Throwable failure) {
    completions.add(new Completion(send, failure));
    if ((prompt || failure != null || send == PROBE) && wakePending.compareAndSet(false, true)) {
      wakeup.run();
    }
  }

  /**
   * Handles completions, timeouts and replay, then hands the sends made since the last poll (by
   * {@link #offer} and by replay) on to Kafka; call after each batch of offers, and often.
   */
  void poll(long nowNanos) throws IOException {
    // Before taking completions: one added after this wakes the writer again if it must.
    wakePending.set(false);
    try {
      handle(nowNanos);
    } finally {
      prompt = mode == Mode.SPOOLING || direct.size() >= maxInFlight / 2;
      link.flush();
    }
  }

  private void handle(long nowNanos) throws IOException {
    Completion c;
    while ((c = completions.poll()) != null) {
      if (c.send() == PROBE) {
        probed(c.failure());
      } else if (c.send() instanceof Direct d) {
        directDone(d, c.failure());
      } else {
        replayDone((Replay) c.send(), c.failure(), nowNanos);
      }
    }
    while (!direct.isEmpty() && direct.peekFirst().done) {
      sent.releaseTo(direct.removeFirst().end());
    }
    if (mode == Mode.DIRECT
        && !direct.isEmpty()
        && nowNanos - direct.peekFirst().sentNanos > spoolAfterNanos) {
      spoolFrom(
          "no acknowledgement within " + Duration.ofNanos(spoolAfterNanos).toMillis() + " ms");
    }
    ackReplayed();
    if (mode == Mode.SPOOLING) {
      replay(nowNanos);
    }
  }

  private void directDone(Direct d, Throwable failure) throws IOException {
    if (failure == null) {
      metrics.count(SINK, Outcome.SENT, 1);
      if (d.copiedTo != null) {
        deliveredCopies.add(d.copiedTo);
      }
      healthy();
    } else {
      if (mode == Mode.DIRECT) {
        spoolFrom("send failed: " + Messages.of(failure));
      }
      if (d.copiedTo == null) {
        // The spool refused its copy (full): nothing else holds it.
        metrics.count(SINK, Outcome.DROPPED, 1);
        LOGGER
            .atError()
            .addKeyValue("key", d.key)
            .addKeyValue("reason", Messages.of(failure))
            .log("audit: event lost: its send failed and the spool was full");
      }
    }
    // A failed send that was copied is replayed from the spool.
    d.done = true;
  }

  /** Copies every unacknowledged direct send to the spool, in order, and spools from now on. */
  private void spoolFrom(String reason) throws IOException {
    mode = Mode.SPOOLING;
    problem = "Kafka slow or unreachable (" + reason + "); events go to the spool";
    metrics.degraded(SINK, true);
    LOGGER
        .atWarn()
        .addKeyValue("reason", reason)
        .addKeyValue("spool", spool.dir())
        .log("audit: Kafka slow or unreachable; spooling events to disk until it answers");
    for (Direct d : direct) {
      if (!d.done && d.copiedTo == null) {
        Spool.Appended appended = spool.append(d.key, sent.read(d.at, d.length));
        if (appended.at().isPresent()) {
          d.copiedTo = appended.at().get();
          metrics.count(SINK, Outcome.SPOOLED, 1);
        }
      }
    }
  }

  private void replayDone(Replay r, Throwable failure, long nowNanos) throws IOException {
    if (r.epoch != epoch) {
      return; // from before a rewind: its event is sent again
    }
    if (failure == null) {
      r.acked = true;
      metrics.count(SINK, Outcome.REPLAYED, 1);
      window = Math.min(window + 1, REPLAY_WINDOW);
      healthy();
      return;
    }
    Throwable cause = Messages.unwrap(failure);
    if (cause instanceof RecordTooLargeException) {
      r.acked = true;
      metrics.count(SINK, Outcome.DROPPED, 1);
      LOGGER
          .atError()
          .addKeyValue("key", r.entry.key())
          .addKeyValue("bytes", r.entry.value().length)
          .addKeyValue("reason", Messages.of(failure))
          .log(
              "audit: Kafka refuses this event for good; dropped (raise max.request.size and the topic's max.message.bytes)");
      return;
    }
    problem = "Kafka unreachable: " + Messages.of(failure) + "; events go to the spool";
    metrics.degraded(SINK, true);
    LOGGER
        .atWarn()
        .addKeyValue("reason", Messages.of(failure))
        .addKeyValue("retryInMs", backoffNanos / 1_000_000)
        .log("audit: replay from the spool failed; retrying from the first unacknowledged event");
    // Keep what was acknowledged before the failure, then send the rest again.
    ackReplayed();
    epoch++;
    replay.clear();
    spool.rewind();
    window = 1;
    retryAtNanos = nowNanos + backoffNanos;
    backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
  }

  private void healthy() {
    backoffNanos = MIN_BACKOFF_NANOS;
    if (mode == Mode.DIRECT || sync) {
      problem = null;
      metrics.degraded(SINK, false);
    }
  }

  private void ackReplayed() throws IOException {
    Spool.Position upTo = null;
    while (!replay.isEmpty() && replay.peekFirst().acked) {
      upTo = replay.removeFirst().entry.next();
    }
    if (upTo != null) {
      spool.ack(upTo);
    }
  }

  private void replay(long nowNanos) throws IOException {
    // Copied sends still in flight decide whether their copies are skipped: wait for them.
    if (!direct.isEmpty() || nowNanos < retryAtNanos) {
      return;
    }
    while (replay.size() < window) {
      Optional<Spool.Entry> next = spool.next();
      if (next.isEmpty()) {
        break;
      }
      Spool.Entry e = next.get();
      if (deliveredCopies.remove(e.at())) {
        replay.addLast(new Replay(e, epoch, true));
        continue;
      }
      Replay r = new Replay(e, epoch, false);
      replay.addLast(r);
      link.send(e.key(), e.value()).whenComplete((ok, failure) -> complete(r, failure));
    }
    ackReplayed();
    if (!sync && replay.isEmpty() && spool.drained()) {
      mode = Mode.DIRECT;
      deliveredCopies.clear();
      problem = null;
      metrics.degraded(SINK, false);
      LOGGER.atInfo().log("audit: spool drained; sending to Kafka directly again");
    }
  }

  /** True when nothing is in flight and nothing waits in the spool. */
  boolean idle() {
    return direct.isEmpty() && replay.isEmpty() && spool.drained() && completions.isEmpty();
  }

  /** When the next timeout or retry falls due, so the writer can sleep until then. */
  long nextDeadline(long nowNanos) {
    long deadline = Long.MAX_VALUE;
    if (mode == Mode.DIRECT && !direct.isEmpty()) {
      deadline = direct.peekFirst().sentNanos + spoolAfterNanos;
    }
    if (mode == Mode.SPOOLING && retryAtNanos > nowNanos) {
      deadline = Math.min(deadline, retryAtNanos);
    }
    if (mode == Mode.SPOOLING && direct.isEmpty() && replay.isEmpty() && !spool.readToEnd()) {
      deadline = Math.min(deadline, Math.max(nowNanos, retryAtNanos));
    }
    return deadline;
  }

  /**
   * Before closing: spools every direct send not yet acknowledged, so the next start replays it
   * instead of losing it. Returns how many were spooled.
   */
  long spoolUnacknowledged() throws IOException {
    long n = 0;
    for (Iterator<Direct> it = direct.iterator(); it.hasNext(); ) {
      Direct d = it.next();
      if (!d.done && d.copiedTo == null) {
        if (append(d.key, sent.read(d.at, d.length))) {
          n++;
        } else {
          metrics.count(SINK, Outcome.DROPPED, 1);
        }
      }
      it.remove();
      sent.releaseTo(d.end());
    }
    return n;
  }

  Mode mode() {
    return mode;
  }

  /** What is wrong with Kafka delivery, or null when nothing is. */
  String problem() {
    return problem;
  }

  KafkaLink link() {
    return link;
  }
}
