package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log with its local sinks: JSON-lines file and standard output. */
class AuditLogTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AuditLog> logs = new ArrayList<>();

  private AuditLog start(Map<String, String> settings, OutputStream stdout) {
    AuditLog log =
        AuditLog.start(AuditConfig.from(settings), null, meters, stdout, Clock.systemUTC());
    logs.add(log);
    return log;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AuditLog log : logs) {
      log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> ids(List<String> lines) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      JsonNode event = EventJson.read(line.getBytes(StandardCharsets.UTF_8));
      ids.add(event.get("id").asText());
    }
    return ids;
  }

  private static List<String> expectedIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("event-" + i);
    }
    return ids;
  }

  @Test
  void writesEveryEventAsOneJsonLineInTheOrderRecorded() throws Exception {
    Path file = dir.resolve("audit/events.jsonl");
    AuditLog log = start(Map.of("audit.file", file.toString()), OutputStream.nullOutputStream());

    for (int i = 0; i < 1_000; i++) {
      log.record(TestEvents.event(i));
    }
    log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    List<String> lines = Files.readAllLines(file);
    assertThat(ids(lines)).containsExactlyElementsOf(expectedIds(1_000));
    assertThat(log.count("file", Outcome.SENT)).isEqualTo(1_000);
    assertThat(
            meters
                .get(AuditMetrics.EVENTS)
                .tag("sink", "file")
                .tag("outcome", "sent")
                .counter()
                .count())
        .isEqualTo(1_000);
  }

  @Test
  void writesAnEventSoonAfterItIsRecordedNotAtTheNextFlush() throws Exception {
    // Given a log whose periodic flush is far away, with its writer asleep
    Path file = dir.resolve("events.jsonl");
    AuditLog log =
        start(
            Map.of("audit.file", file.toString(), "audit.spool.flush-interval", "1m"),
            OutputStream.nullOutputStream());
    Thread.sleep(50);

    // When one event is recorded
    log.record(TestEvents.event(0));

    // Then the writer wakes for it and the line reaches the file within the linger, not in a
    // minute
    TestEvents.await("the line in the file", WAIT, () -> log.count("file", Outcome.SENT) == 1);
    assertThat(ids(Files.readAllLines(file))).containsExactly("event-0");
  }

  @Test
  void eventsRecordedFromManyThreadsAtOnceAreAllWrittenWithoutWaitingForAFlush() throws Exception {
    // Given a log whose periodic flush is far away
    Path file = dir.resolve("events.jsonl");
    AuditLog log =
        start(
            Map.of("audit.file", file.toString(), "audit.spool.flush-interval", "1m"),
            OutputStream.nullOutputStream());

    // When four threads record events in short bursts with pauses between (so the writer keeps
    // falling asleep while others record)
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int first = t * 500;
      Thread thread =
          new Thread(
              () -> {
                for (int i = first; i < first + 500; i++) {
                  log.record(TestEvents.event(i));
                  if (i % 50 == 0) {
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }

    // Then every event is written well before the next flush would have come
    TestEvents.await("2,000 lines", WAIT, () -> log.count("file", Outcome.SENT) == 2_000);
    assertThat(ids(Files.readAllLines(file)))
        .containsExactlyInAnyOrderElementsOf(expectedIds(2_000));
  }

  @Test
  void writesToStandardOutputAndTheFileAtOnce() throws Exception {
    Path file = dir.resolve("events.jsonl");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    AuditLog log = start(Map.of("audit.file", file.toString(), "audit.stdout", "true"), stdout);

    log.record(TestEvents.event(0));
    log.record(TestEvents.event(1));
    log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(ids(Files.readAllLines(file))).containsExactly("event-0", "event-1");
    assertThat(ids(stdout.toString(StandardCharsets.UTF_8).lines().toList()))
        .containsExactly("event-0", "event-1");
  }

  @Test
  void synchronousRecordCompletesOnlyOnceTheLineIsInTheFile() throws Exception {
    Path file = dir.resolve("events.jsonl");
    AuditLog log =
        start(
            Map.of("audit.file", file.toString(), "audit.durability", "sync"),
            OutputStream.nullOutputStream());

    for (int i = 0; i < 20; i++) {
      log.record(TestEvents.event(i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      // No close, no wait: the line must already be there.
      assertThat(Files.readAllLines(file)).hasSize(i + 1).last().asString().contains("event-" + i);
    }
  }

  @Test
  void aFileThatCannotBeWrittenIsAClearErrorAtStart() throws IOException {
    Path notADir = dir.resolve("plain-file");
    Files.writeString(notADir, "x");

    assertThatThrownBy(
            () -> start(Map.of("audit.file", notADir.resolve("events.jsonl").toString()), null))
        .isInstanceOf(AuditConfigException.class)
        .hasMessageContaining("audit.file=" + notADir.resolve("events.jsonl"))
        .hasMessageContaining("cannot be opened for appending");
  }

  @Test
  void aSpoolFolderThatCannotBeUsedIsAClearErrorAtStart() throws IOException {
    Path notADir = dir.resolve("plain-file");
    Files.writeString(notADir, "x");
    Map<String, String> settings = new HashMap<>();
    settings.put("audit.kafka.bootstrap.servers", "127.0.0.1:9");
    settings.put("audit.spool.dir", notADir.resolve("spool").toString());

    assertThatThrownBy(() -> start(settings, null))
        .isInstanceOf(AuditConfigException.class)
        .hasMessageContaining("audit.spool.dir=" + notADir.resolve("spool"))
        .hasMessageContaining("cannot be used as the spool");
  }

  @Test
  void recordAfterCloseFailsItsStageButNeverThrows() throws Exception {
    AuditLog log =
        start(
            Map.of("audit.file", dir.resolve("e.jsonl").toString()),
            OutputStream.nullOutputStream());
    log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    CompletionStage<Void> stage = log.record(TestEvents.event(0));

    assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
    assertThat(log.count("file", Outcome.DROPPED)).isEqualTo(1);
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
    // Given a writer stuck on a sink that does not return, and room for two events in memory
    CountDownLatch release = new CountDownLatch(1);
    OutputStream stuck =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void flush() {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    AuditLog log =
        start(
            Map.of("audit.file", "off", "audit.stdout", "true", "audit.queue.capacity", "2"),
            stuck);

    // When many events are recorded
    long started = System.nanoTime();
    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      results.add(log.record(TestEvents.event(i)).toCompletableFuture());
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    release.countDown();

    // Then the caller never waited, and what did not fit was dropped and counted
    assertThat(tookMillis).as("50 record calls, in ms").isLessThan(1_000);
    long failed = results.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    assertThat(failed).isGreaterThanOrEqualTo(40);
    assertThat(log.count("stdout", Outcome.DROPPED)).isEqualTo(failed);
  }

  @Test
  void aFailingSinkIsCountedShownAsDegradedAndRecovers() throws Exception {
    // Given a standard output that fails for a while
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean[] failing = {true};
    OutputStream flaky =
        new OutputStream() {
          @Override
          public synchronized void write(int b) throws IOException {
            if (failing[0]) {
              throw new IOException("No space left on device");
            }
            kept.write(b);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (failing[0]) {
              throw new IOException("No space left on device");
            }
            kept.write(b, off, len);
          }
        };
    AuditLog log =
        start(
            Map.of(
                "audit.file", "off", "audit.stdout", "true", "audit.spool.flush-interval", "20ms"),
            flaky);

    // When events come while it fails
    for (int i = 0; i < 10; i++) {
      log.record(TestEvents.event(i));
    }
    TestEvents.await("10 dropped", WAIT, () -> log.count("stdout", Outcome.DROPPED) == 10);
    TestEvents.await("degraded status", WAIT, () -> log.status().degraded());
    assertThat(log.status().problems()).singleElement().asString().contains("No space left");

    // Then once it works again, later events flow and the status clears
    synchronized (flaky) {
      failing[0] = false;
    }
    log.record(TestEvents.event(10));
    TestEvents.await("recovered", WAIT, () -> !log.status().degraded());
    log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(ids(kept.toString(StandardCharsets.UTF_8).lines().toList()))
        .containsExactly("event-10");
  }

  @Test
  void appendsToAnExistingFileAndEndsALineAnEarlierCrashCutShort() throws Exception {
    // Given a file from earlier runs whose last line was cut short
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"id\":\"earlier\"}\n{\"id\":\"cut");

    // When a new run appends to it
    AuditLog log = start(Map.of("audit.file", file.toString()), OutputStream.nullOutputStream());
    log.record(TestEvents.event(0));
    log.close().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // Then the earlier lines stay and the new event is a line of its own
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("{\"id\":\"earlier\"}");
    assertThat(ids(lines.subList(2, 3))).containsExactly("event-0");
  }
}
