package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder's state machine against a link the test answers by hand: when it spools, what it
 * replays, and in which order. Time is passed in, so nothing sleeps.
 */
class KafkaForwarderTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final ScriptedLink link = new ScriptedLink();
  private final AuditMetrics metrics =
      new AuditMetrics(new SimpleMeterRegistry(), List.of("kafka"), new AtomicInteger());
  private Spool spool;
  private long now = 1_000 * SECOND;

  /** How often the forwarder asked to wake the writer. */
  private final AtomicInteger wakeups = new AtomicInteger();

  private KafkaForwarder forwarder(Durability durability) throws IOException {
    return forwarder(durability, KafkaForwarder.SENT_BYTES);
  }

  /** A forwarder whose unacknowledged sends may hold {@code sentBytes} bytes off the heap. */
  private KafkaForwarder forwarder(Durability durability, int sentBytes) throws IOException {
    spool =
        Spool.open(
            dir,
            1 << 20,
            4096,
            WhenFull.REJECT_NEW,
            new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
    return new KafkaForwarder(
        link,
        spool,
        durability,
        Duration.ofSeconds(1),
        100,
        new OffHeapFifo(sentBytes),
        metrics,
        wakeups::incrementAndGet);
  }

  @AfterEach
  void close() throws IOException {
    if (spool != null) {
      spool.close();
    }
  }

  private static byte[] event(int i) {
    return ("event-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> events(int from, int to) {
    List<String> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add("event-" + i);
    }
    return values;
  }

  /** Polls, acknowledging every send, until nothing more happens. */
  private void deliverAll(KafkaForwarder f) throws IOException {
    for (int round = 0; round < 1_000 && !f.idle(); round++) {
      now += SECOND;
      f.poll(now);
      link.ackAll();
      f.poll(now);
    }
    assertThat(f.idle()).as("forwarder idle after delivering").isTrue();
  }

  @Test
  void sendsDirectlyWhileKafkaAnswers() throws IOException {
    KafkaForwarder f = forwarder(Durability.ASYNC);

    for (int i = 0; i < 5; i++) {
      assertThat(f.offer("k", event(i), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
    }
    f.poll(now);
    link.ackAll();
    f.poll(now);

    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 5));
    assertThat(metrics.count("kafka", Outcome.SENT)).isEqualTo(5);
    assertThat(metrics.count("kafka", Outcome.SPOOLED)).isZero();
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.DIRECT);
  }

  @Test
  void aRoundsSendsReachKafkaTogetherWhenTheWriterPolls() throws IOException {
    // Given a forwarder sending directly
    KafkaForwarder f = forwarder(Durability.ASYNC);

    // When the writer offers a batch of events
    for (int i = 0; i < 5; i++) {
      f.offer("k", event(i), now);
    }

    // Then none is handed on before the writer's round ends with a poll; then all of them, in order
    assertThat(link.sends).isEmpty();
    assertThat(link.unflushed()).isEqualTo(5);
    f.poll(now);
    assertThat(link.unflushed()).isZero();
    assertThat(link.sends)
        .extracting(ScriptedLink.Send::value)
        .containsExactlyElementsOf(events(0, 5));
  }

  @Test
  void acknowledgementsOfASteadyStreamWaitForTheWritersNextRoundWithoutWakingIt()
      throws IOException {
    // Given a forwarder sending directly, well below max-in-flight (100)
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.poll(now);
    for (int i = 0; i < 10; i++) {
      f.offer("k", event(i), now);
    }
    f.poll(now);
    wakeups.set(0);

    // When Kafka acknowledges them
    link.ackAll();

    // Then the writer is not woken for them; its next round counts them
    assertThat(wakeups).hasValue(0);
    f.poll(now);
    assertThat(metrics.count("kafka", Outcome.SENT)).isEqualTo(10);
    assertThat(f.idle()).isTrue();
  }

  @Test
  void aFailedSendWakesTheWriterOnceForTheWholeBurst() throws IOException {
    // Given three direct sends in flight
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.poll(now);
    for (int i = 0; i < 3; i++) {
      f.offer("k", event(i), now);
    }
    f.poll(now);
    wakeups.set(0);

    // When all three fail at once
    link.failAll(new TimeoutException("broker down"));

    // Then the writer is woken once, and its poll spools them
    assertThat(wakeups).hasValue(1);
    f.poll(now);
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.SPOOLING);
    assertThat(metrics.count("kafka", Outcome.SPOOLED)).isEqualTo(3);
  }

  @Test
  void whileReplayingEachBurstOfAcknowledgementsWakesTheWriterOnce() throws IOException {
    // Given a forwarder replaying the spool after a failure
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.offer("k", event(0), now);
    f.poll(now);
    link.failAll(new TimeoutException("broker down"));
    f.poll(now);
    for (int i = 1; i < 20; i++) {
      f.offer("k", event(i), now);
    }
    now += 2 * SECOND;
    f.poll(now);
    link.ackAll();
    f.poll(now);
    link.ackAll();
    f.poll(now);
    assertThat(link.pending()).as("replay window widened to several sends").hasSizeGreaterThan(1);
    wakeups.set(0);

    // When Kafka acknowledges the replayed sends in one burst, then the next ones after a poll
    link.ackAll();
    assertThat(wakeups).hasValue(1);
    f.poll(now);
    link.ackAll();

    // Then each burst woke the writer once
    assertThat(wakeups).hasValue(2);
  }

  @Test
  void manyUnacknowledgedSendsMakeAcknowledgementsWakeTheWriter() throws IOException {
    // Given 60 direct sends in flight, past half of max-in-flight (100)
    KafkaForwarder f = forwarder(Durability.ASYNC);
    for (int i = 0; i < 60; i++) {
      f.offer("k", event(i), now);
    }
    f.poll(now);
    wakeups.set(0);

    // When Kafka acknowledges them
    link.ackAll();

    // Then the writer is woken (once) to free the room before new events would spool
    assertThat(wakeups).hasValue(1);
    f.poll(now);
    assertThat(metrics.count("kafka", Outcome.SENT)).isEqualTo(60);
  }

  @Test
  void failedSendSpoolsEverythingUnacknowledgedAndReplaysItInOrder() throws IOException {
    // Given three sends in flight when Kafka fails
    KafkaForwarder f = forwarder(Durability.ASYNC);
    for (int i = 0; i < 3; i++) {
      f.offer("k", event(i), now);
    }
    f.poll(now);
    link.failAll(new TimeoutException("broker down"));
    f.poll(now);
    // When more events come while it is down, and then it answers again
    for (int i = 3; i < 6; i++) {
      assertThat(f.offer("k", event(i), now)).isEqualTo(KafkaForwarder.Accepted.SPOOLED);
    }
    assertThat(f.problem()).contains("broker down");
    deliverAll(f);

    // Then every event arrives once, in the order it was recorded, and direct sends resume
    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 6));
    assertThat(metrics.count("kafka", Outcome.SPOOLED)).isEqualTo(6);
    assertThat(metrics.count("kafka", Outcome.REPLAYED)).isEqualTo(6);
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.DIRECT);
    assertThat(f.problem()).isNull();
    assertThat(f.offer("k", event(6), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
  }

  @Test
  void slowAcknowledgementSpoolsAndALateSuccessIsNotSentTwice() throws IOException {
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.offer("k", event(0), now);
    f.offer("k", event(1), now);

    // No answer within spool-after: both are copied to the spool, new events go behind them.
    now += 2 * SECOND;
    f.poll(now);
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.SPOOLING);
    f.offer("k", event(2), now);
    assertThat(link.sends).as("nothing replayed while the first sends are unresolved").hasSize(2);

    // The slow sends then succeed: their copies are skipped, only the new event is replayed.
    link.ackAll();
    deliverAll(f);

    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 3));
    assertThat(metrics.count("kafka", Outcome.SENT)).isEqualTo(2);
    assertThat(metrics.count("kafka", Outcome.REPLAYED)).isEqualTo(1);
  }

  @Test
  void tooManyUnacknowledgedSendsSpoolTheRest() throws IOException {
    KafkaForwarder f = forwarder(Durability.ASYNC);
    for (int i = 0; i < 100; i++) {
      f.offer("k", event(i), now);
    }

    assertThat(f.offer("k", event(100), now)).isEqualTo(KafkaForwarder.Accepted.SPOOLED);
    f.poll(now);
    link.ackAll();
    deliverAll(f);
    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 101));
  }

  @Test
  void unacknowledgedBytesPastTheOffHeapLimitSpoolTheRestAndEveryCopyIsTheEventItself()
      throws IOException {
    // Given room off the heap for two unacknowledged events of 7 bytes ("event-N"), not three
    KafkaForwarder f = forwarder(Durability.ASYNC, 20);
    assertThat(f.offer("k", event(0), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
    assertThat(f.offer("k", event(1), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
    f.poll(now);
    link.ackAll();
    f.poll(now);

    // When two more go out (acknowledged bytes are free again; the second pair wraps around the
    // end of the buffer), a fifth does not fit beside them
    assertThat(f.offer("k", event(2), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
    assertThat(f.offer("k", event(3), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
    assertThat(f.offer("k", event(4), now)).isEqualTo(KafkaForwarder.Accepted.SPOOLED);

    // Then the forwarder spools, naming the limit; when the two sends in flight fail, their
    // copies from the buffer are replayed before the fifth, byte for byte
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.SPOOLING);
    assertThat(f.problem()).contains("does not fit beside the 14 bytes").contains("at most 20");
    f.poll(now);
    link.failAll(new TimeoutException("broker down"));
    deliverAll(f);
    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 5));
    assertThat(metrics.count("kafka", Outcome.REPLAYED)).isEqualTo(3);
    assertThat(metrics.count("kafka", Outcome.DROPPED)).isZero();
    assertThat(f.offer("k", event(5), now)).isEqualTo(KafkaForwarder.Accepted.SENT);
  }

  @Test
  void anEventLargerThanTheOffHeapLimitIsSpooledAndDeliveredInOrder() throws IOException {
    // Given room off the heap for 10 bytes, and one event in flight
    KafkaForwarder f = forwarder(Durability.ASYNC, 10);
    f.offer("k", event(0), now);

    // When an event of 20 bytes comes
    byte[] large = "event-1-twenty-bytes".getBytes(StandardCharsets.UTF_8);
    assertThat(f.offer("k", large, now)).isEqualTo(KafkaForwarder.Accepted.SPOOLED);
    f.poll(now);
    link.ackAll();
    deliverAll(f);

    // Then it goes through the spool, after the event before it, and nothing is lost
    assertThat(link.delivered()).containsExactly("event-0", "event-1-twenty-bytes");
    assertThat(metrics.count("kafka", Outcome.DROPPED)).isZero();
  }

  @Test
  void closingSpoolsUnacknowledgedSendsFromTheOffHeapCopies() throws IOException {
    // Given three sends in flight when the log closes
    KafkaForwarder f = forwarder(Durability.ASYNC, 64);
    for (int i = 0; i < 3; i++) {
      f.offer("k", event(i), now);
    }

    // When they are spooled for the next start
    assertThat(f.spoolUnacknowledged()).isEqualTo(3);

    // Then the spool holds the events themselves, in order
    List<String> spooled = new ArrayList<>();
    for (var e = spool.next(); e.isPresent(); e = spool.next()) {
      spooled.add(new String(e.get().value(), StandardCharsets.UTF_8));
    }
    assertThat(spooled).containsExactlyElementsOf(events(0, 3));
  }

  @Test
  void replayStartsWithOneSendAndWidensAsKafkaAcknowledges() throws IOException {
    // Given ten spooled events after a failure
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.offer("k", event(0), now);
    f.poll(now);
    link.failAll(new TimeoutException("down"));
    f.poll(now);
    for (int i = 1; i < 10; i++) {
      f.offer("k", event(i), now);
    }

    // When the replay begins, one send probes Kafka; each acknowledgement widens the window by one
    f.poll(now);
    assertThat(link.pending()).hasSize(1);
    link.ackAll();
    f.poll(now);
    assertThat(link.pending()).hasSize(2);
    link.ackAll();
    f.poll(now);

    // Then
    assertThat(link.pending()).hasSize(4);
  }

  @Test
  void failedReplayRewindsAndRetriesFromTheFirstUnacknowledgedEvent() throws IOException {
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.offer("k", event(0), now);
    f.poll(now);
    link.failAll(new TimeoutException("down"));
    f.poll(now);
    for (int i = 1; i < 4; i++) {
      f.offer("k", event(i), now);
    }
    f.poll(now);
    link.ackAll(); // event-0 replayed
    f.poll(now);
    assertThat(link.pending())
        .extracting(ScriptedLink.Send::value)
        .containsExactly("event-1", "event-2");

    // event-1 is acknowledged, event-2 fails: the rest is sent again, after a pause
    link.pending().get(0).result().complete(null);
    link.pending().get(0).result().completeExceptionally(new TimeoutException("still down"));
    f.poll(now);
    assertThat(link.pending()).as("nothing resent before the pause").isEmpty();
    deliverAll(f);

    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 4));
  }

  @Test
  void eventKafkaRefusesForGoodIsDroppedAndCountedAndTheRestFlows() throws IOException {
    KafkaForwarder f = forwarder(Durability.ASYNC);
    f.offer("k", event(0), now);
    f.poll(now);
    link.failAll(new TimeoutException("down"));
    f.poll(now);
    f.offer("k", event(1), now);
    f.poll(now);
    link.pending().get(0).result().completeExceptionally(new RecordTooLargeException("too big"));
    f.poll(now);
    deliverAll(f);

    assertThat(link.delivered()).containsExactly("event-1");
    assertThat(metrics.count("kafka", Outcome.DROPPED)).isEqualTo(1);
  }

  @Test
  void synchronousDurabilitySpoolsEveryEventFirstAndDeliversFromTheSpool() throws IOException {
    KafkaForwarder f = forwarder(Durability.SYNC);

    for (int i = 0; i < 4; i++) {
      assertThat(f.offer("k", event(i), now)).isEqualTo(KafkaForwarder.Accepted.SPOOLED);
    }
    deliverAll(f);

    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 4));
    assertThat(metrics.count("kafka", Outcome.REPLAYED)).isEqualTo(4);
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.SPOOLING);
  }

  @Test
  void startsByReplayingWhatAnEarlierRunLeftInTheSpool() throws IOException {
    try (Spool left =
        Spool.open(dir, 1 << 20, 4096, WhenFull.REJECT_NEW, java.time.Clock.systemUTC())) {
      left.append("k", event(0));
      left.append("k", event(1));
      left.force();
    }

    KafkaForwarder f = forwarder(Durability.ASYNC);
    assertThat(f.mode()).isEqualTo(KafkaForwarder.Mode.SPOOLING);
    f.offer("k", event(2), now);
    deliverAll(f);

    assertThat(link.delivered()).containsExactlyElementsOf(events(0, 3));
  }
}
