package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is killed while decisions keep coming, then started again on the same port and log
 * folder: every event must arrive at least once. Duplicates are allowed (delivery is at least
 * once); the test counts and prints them.
 */
class AuditBrokerRestartIT {

  @TempDir Path dir;

  private ProcessBroker broker;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void everyEventArrivesAtLeastOnceAcrossABrokerCrashAndRestart() throws Exception {
    // Given a broker in its own process and an audit log sending to it
    broker = new ProcessBroker(dir.resolve("broker"));
    broker.start();
    String topic = "audit-restart";
    TopicReader.create(broker.bootstrap(), topic, 3);
    vertx = Vertx.vertx();
    Map<String, String> settings = new HashMap<>();
    settings.put("audit.kafka.bootstrap.servers", broker.bootstrap());
    settings.put("audit.kafka.topic", topic);
    settings.put("audit.kafka.spool-after", "500ms");
    settings.put("audit.spool.dir", dir.resolve("spool").toString());
    settings.put("audit.spool.flush-interval", "50ms");
    settings.put("audit.close-timeout", "60s");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AuditLog log =
        AuditLog.start(
            AuditConfig.from(settings),
            vertx,
            meters,
            OutputStream.nullOutputStream(),
            Clock.systemUTC());

    // When decisions come steadily (one every 5 ms) while the broker is killed and restarted
    AtomicInteger recorded = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread webhook =
        new Thread(
            () -> {
              while (!stop.get()) {
                int i = recorded.getAndIncrement();
                if (log.record(TestEvents.event(i))
                    .toCompletableFuture()
                    .isCompletedExceptionally()) {
                  refused.incrementAndGet();
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "decisions");
    webhook.start();
    TestEvents.await("200 decisions", Duration.ofSeconds(30), () -> recorded.get() >= 200);
    broker.kill();
    int atKill = recorded.get();
    TestEvents.await(
        "spooling", Duration.ofSeconds(30), () -> log.count("kafka", Outcome.SPOOLED) > 0);
    TestEvents.await("degraded", Duration.ofSeconds(30), () -> log.status().degraded());
    TestEvents.await(
        "400 decisions while down", Duration.ofSeconds(30), () -> recorded.get() >= atKill + 400);
    broker.start();
    int atRestart = recorded.get();
    TestEvents.await(
        "200 decisions after restart",
        Duration.ofSeconds(30),
        () -> recorded.get() >= atRestart + 200);
    stop.set(true);
    webhook.join();
    log.close().toCompletableFuture().get(90, TimeUnit.SECONDS);

    // Then every recorded id is on the topic
    int n = recorded.get();
    Set<String> expected = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      expected.add("event-" + i);
    }
    List<TopicReader.Received> records =
        TopicReader.readAll(
            broker.bootstrap(),
            topic,
            Duration.ofSeconds(60),
            r -> TopicReader.hasAll(r, expected));
    List<String> ids = TopicReader.ids(records);
    Map<String, Long> copies =
        ids.stream()
            .collect(
                Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    long duplicates = ids.size() - copies.size();
    System.out.printf(
        "broker restart: %d recorded (%d while down), %d records on the topic, %d distinct, %d"
            + " duplicates; sent %d, spooled %d, replayed %d, dropped %d%n",
        n,
        atRestart - atKill,
        ids.size(),
        copies.size(),
        duplicates,
        log.count("kafka", Outcome.SENT),
        log.count("kafka", Outcome.SPOOLED),
        log.count("kafka", Outcome.REPLAYED),
        log.count("kafka", Outcome.DROPPED));
    assertThat(refused.get()).as("record calls refused").isZero();
    assertThat(copies.keySet()).as("ids on the topic").containsAll(expected);
    assertThat(log.count("kafka", Outcome.DROPPED)).isZero();
    assertThat(log.count("kafka", Outcome.REPLAYED))
        .as("events delivered from the spool")
        .isPositive();
  }
}
