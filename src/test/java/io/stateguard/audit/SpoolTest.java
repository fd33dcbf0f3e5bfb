package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.testing.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  private Spool open(long maxBytes, long segmentBytes, WhenFull whenFull) throws IOException {
    return Spool.open(dir, maxBytes, segmentBytes, whenFull, clock);
  }

  private Spool open() throws IOException {
    return open(1 << 20, 256, WhenFull.REJECT_NEW);
  }

  private static byte[] value(int i) {
    return ("{\"id\":\"event-" + i + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> readAll(Spool spool) throws IOException {
    List<String> values = new ArrayList<>();
    Optional<Spool.Entry> e;
    while ((e = spool.next()).isPresent()) {
      values.add(new String(e.get().value(), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static List<String> expected(int from, int to) {
    List<String> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add(new String(value(i), StandardCharsets.UTF_8));
    }
    return values;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void readsEventsBackInAppendOrderAcrossSegments() throws IOException {
    // Given a spool with small segments
    try (Spool spool = open()) {
      for (int i = 0; i < 40; i++) {
        spool.append("data/zk", value(i));
      }
      // When it is read
      List<String> values = readAll(spool);
      // Then every event comes back once, in order, from several segment files
      assertThat(values).containsExactlyElementsOf(expected(0, 40));
      assertThat(segments()).as("segments of at most 256 bytes").hasSizeGreaterThan(5);
      assertThat(spool.readToEnd()).isTrue();
      assertThat(spool.drained()).as("nothing acknowledged yet").isFalse();
    }
  }

  @Test
  void keepsKeyAndSpoolTimeOfEachEvent() throws IOException {
    try (Spool spool = open()) {
      spool.append("data/zk", value(0));
      clock.advance(Duration.ofSeconds(5));
      spool.append("data/etcd", value(1));

      Spool.Entry first = spool.next().orElseThrow();
      Spool.Entry second = spool.next().orElseThrow();

      assertThat(first.key()).isEqualTo("data/zk");
      assertThat(second.key()).isEqualTo("data/etcd");
      assertThat(second.spooledAt()).isEqualTo(Instant.parse("2026-03-01T10:00:05Z"));
      assertThat(spool.oldest()).contains(Instant.parse("2026-03-01T10:00:00Z"));
    }
  }

  @Test
  void acknowledgingDeletesSegmentsBehindAndDrainedSpoolLeavesNoSegments() throws IOException {
    try (Spool spool = open()) {
      List<Spool.Entry> entries = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        spool.append("k", value(i));
      }
      for (int i = 0; i < 30; i++) {
        entries.add(spool.next().orElseThrow());
      }
      int before = segments().size();
      long bytesBefore = spool.bytes();

      spool.ack(entries.get(19).next());

      assertThat(segments()).hasSizeLessThan(before);
      assertThat(spool.bytes()).isLessThan(bytesBefore);
      assertThat(spool.oldest()).isPresent();

      spool.ack(entries.get(29).next());

      assertThat(spool.drained()).isTrue();
      assertThat(segments()).as("a drained spool keeps no segment").isEmpty();
      assertThat(spool.bytes()).isZero();
      assertThat(spool.oldest()).isEmpty();
    }
  }

  @Test
  void restartResumesAfterTheSavedCheckpoint() throws IOException {
    // Given ten events of which four were delivered and the checkpoint saved
    try (Spool spool = open()) {
      for (int i = 0; i < 10; i++) {
        spool.append("k", value(i));
      }
      Spool.Entry fourth = null;
      for (int i = 0; i < 4; i++) {
        fourth = spool.next().orElseThrow();
      }
      spool.ack(fourth.next());
      spool.force();
    }
    // When the spool is opened again
    try (Spool spool = open()) {
      // Then the other six are replayed, in order
      assertThat(readAll(spool)).containsExactlyElementsOf(expected(4, 10));
    }
  }

  @Test
  void restartBeforeTheCheckpointIsSavedReplaysFromTheLastSavedOne() throws IOException {
    try (Spool spool = open()) {
      for (int i = 0; i < 6; i++) {
        spool.append("k", value(i));
      }
      spool.force();
      Spool.Entry first = spool.next().orElseThrow();
      spool.ack(first.next()); // acknowledged, but not yet saved
    }
    try (Spool spool = open()) {
      assertThat(readAll(spool))
          .as("at least once: the unsaved acknowledgement is replayed")
          .containsExactlyElementsOf(expected(0, 6));
    }
  }

  @Test
  void rewindReadsAgainFromTheFirstUnacknowledgedEvent() throws IOException {
    try (Spool spool = open()) {
      for (int i = 0; i < 5; i++) {
        spool.append("k", value(i));
      }
      Spool.Entry first = spool.next().orElseThrow();
      spool.next();
      spool.next();
      spool.ack(first.next());

      spool.rewind();

      assertThat(readAll(spool)).containsExactlyElementsOf(expected(1, 5));
    }
  }

  @Test
  void cutsOffARecordTornByACrashAndKeepsEverythingBeforeIt() throws IOException {
    // Given three whole events and a fourth cut short mid-write, as a crash leaves it
    try (Spool spool = open()) {
      for (int i = 0; i < 3; i++) {
        spool.append("k", value(i));
      }
      spool.force();
    }
    Path last = segments().get(segments().size() - 1);
    long whole = Files.size(last);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.APPEND)) {
      ByteBuffer torn = ByteBuffer.allocate(12).putInt(200).putInt(1234).putInt(7);
      torn.flip();
      ch.write(torn);
    }
    // When the spool is opened again
    try (Spool spool = open()) {
      // Then the torn bytes are gone, the whole events are read, and new ones follow them
      assertThat(Files.size(last)).isEqualTo(whole);
      spool.append("k", value(3));
      assertThat(readAll(spool)).containsExactlyElementsOf(expected(0, 4));
    }
  }

  @Test
  void cutsOffALastRecordWhoseChecksumDoesNotMatch() throws IOException {
    try (Spool spool = open()) {
      spool.append("k", value(0));
      spool.append("k", value(1));
    }
    Path last = segments().get(segments().size() - 1);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      // Flip the last byte of the second record's value.
      long end = ch.size();
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), end - 1);
    }
    try (Spool spool = open()) {
      assertThat(readAll(spool)).containsExactlyElementsOf(expected(0, 1));
    }
  }

  @Test
  void skipsTheRestOfASegmentDamagedInTheMiddleAndGoesOn() throws IOException {
    try (Spool spool = open()) {
      for (int i = 0; i < 30; i++) {
        spool.append("k", value(i));
      }
    }
    Path first = segments().get(0);
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), 0); // the first record's length
    }
    try (Spool spool = open()) {
      List<String> values = readAll(spool);
      assertThat(values).isNotEmpty().doesNotContain(expected(0, 1).get(0));
      assertThat(values).endsWith(expected(29, 30).get(0));
    }
  }

  @Test
  void refusesNewEventsWhenFullByDefaultAndTakesThemAgainOnceDelivered() throws IOException {
    try (Spool spool = open(1024, 256, WhenFull.REJECT_NEW)) {
      int accepted = 0;
      while (spool.append("k", value(accepted)).at().isPresent()) {
        accepted++;
      }
      assertThat(spool.bytes()).isLessThanOrEqualTo(1024);
      Spool.Appended refused = spool.append("k", value(999));
      assertThat(refused.at()).isEmpty();
      assertThat(refused.droppedOldest()).isZero();

      List<String> kept = readAll(spool);
      assertThat(kept)
          .as("what was accepted is intact")
          .containsExactlyElementsOf(expected(0, accepted));

      spool.rewind();
      Spool.Entry last = null;
      for (int i = 0; i < accepted; i++) {
        last = spool.next().orElseThrow();
      }
      spool.ack(last.next());
      assertThat(spool.append("k", value(1000)).at()).isPresent();
    }
  }

  @Test
  void dropsTheOldestSegmentWhenFullIfSoConfigured() throws IOException {
    try (Spool spool = open(1024, 256, WhenFull.DROP_OLDEST)) {
      long dropped = 0;
      for (int i = 0; i < 100; i++) {
        Spool.Appended a = spool.append("k", value(i));
        assertThat(a.at()).as("event %d is always taken", i).isPresent();
        dropped += a.droppedOldest();
      }
      List<String> kept = readAll(spool);
      assertThat(spool.bytes()).isLessThanOrEqualTo(1024);
      assertThat(kept).endsWith(expected(99, 100).get(0));
      assertThat(dropped + kept.size())
          .as("every event is kept or counted as dropped")
          .isEqualTo(100);
      assertThat(kept).containsExactlyElementsOf(expected(100 - kept.size(), 100));
    }
  }

  @Test
  void drainedSpoolContinuesItsNumberingAcrossARestart() throws IOException {
    try (Spool spool = open()) {
      spool.append("k", value(0));
      spool.ack(spool.next().orElseThrow().next());
      spool.force();
    }
    try (Spool spool = open()) {
      assertThat(spool.drained()).isTrue();
      spool.append("k", value(1));
      spool.force();
    }
    try (Spool spool = open()) {
      assertThat(readAll(spool)).containsExactlyElementsOf(expected(1, 2));
    }
  }

  @Test
  void refusesASecondOpenOfTheSameFolder() throws IOException {
    try (Spool spool = open()) {
      assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }
  }

  @Test
  void failsToOpenAFolderItCannotCreate() throws IOException {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "not a folder");

    assertThatThrownBy(
            () -> Spool.open(file.resolve("spool"), 1 << 20, 256, WhenFull.REJECT_NEW, clock))
        .isInstanceOf(IOException.class);
  }
}
