package io.stateguard.audit;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit stream's settings, read from {@code audit.*} keys (other keys are ignored, so the whole
 * configuration of {@code serve} can be passed). Every bad value is reported at once, each with its
 * key, its value and what is allowed. The keys are documented in {@code docs/audit-events.md}.
 *
 * @param source who emits the events
 * @param file the JSON-lines file, when that sink is on
 * @param stdout whether events are also written to standard output
 * @param kafka the Kafka sink, when on
 * @param spool where events wait for Kafka, and how much may wait
 * @param durability when {@link AuditLog#record} counts an event as kept
 * @param queueCapacity how many events may wait in memory for the writer
 * @param closeTimeout how long a graceful close waits for Kafka before spooling the rest
 */
public record AuditConfig(
    EventSource source,
    Optional<Path> file,
    boolean stdout,
    Optional<KafkaSettings> kafka,
    SpoolSettings spool,
    Durability durability,
    int queueCapacity,
    Duration closeTimeout) {

  static final String PREFIX = "audit.";
  static final String KAFKA_PROPERTY = "audit.kafka.property.";
  static final String DEFAULT_FILE = "stateguard-audit.jsonl";
  static final String DEFAULT_TOPIC = "stateguard.audit";

  private static final Set<String> KEYS =
      Set.of(
          "audit.cluster",
          "audit.replica",
          "audit.file",
          "audit.stdout",
          "audit.kafka.bootstrap.servers",
          "audit.kafka.topic",
          "audit.kafka.spool-after",
          "audit.kafka.max-in-flight",
          "audit.spool.dir",
          "audit.spool.max-bytes",
          "audit.spool.segment-bytes",
          "audit.spool.flush-interval",
          "audit.spool.when-full",
          "audit.durability",
          "audit.queue.capacity",
          "audit.close-timeout");

  /**
   * The Kafka sink.
   *
   * @param topic the topic events go to
   * @param producer every producer property, stateguard's fixed ones included
   * @param spoolAfter how long a send may wait for its acknowledgement before events are spooled
   * @param maxInFlight how many events may be sent and unacknowledged at once
   */
  public record KafkaSettings(
      String topic, Map<String, String> producer, Duration spoolAfter, int maxInFlight) {
    public KafkaSettings {
      producer = Map.copyOf(producer);
    }

    public String bootstrapServers() {
      return producer.get(KafkaProperties.BOOTSTRAP_SERVERS);
    }
  }

  /**
   * The on-disk spool of events waiting for Kafka.
   *
   * @param dir the folder of segment files
   * @param maxBytes the most the segments may hold
   * @param segmentBytes the size at which a segment is closed and a new one begun
   * @param flushInterval how often written events are forced to disk in {@link Durability#ASYNC}
   * @param whenFull what happens at {@code maxBytes}
   */
  public record SpoolSettings(
      Path dir, long maxBytes, long segmentBytes, Duration flushInterval, WhenFull whenFull) {}

  /** The settings in {@code settings}: {@code audit.*} keys; others are ignored. */
  public static AuditConfig from(Map<String, String> settings) {
    Reader r = new Reader(settings);
    for (String key : new TreeSet<>(settings.keySet())) {
      if (key.startsWith(PREFIX) && !KEYS.contains(key) && !key.startsWith(KAFKA_PROPERTY)) {
        r.problem(key, settings.get(key), "unknown key; known keys: " + String.join(", ", known()));
      }
    }
    EventSource source =
        new EventSource(r.text("audit.cluster", "default"), r.text("audit.replica", "stateguard"));
    Optional<String> bootstrap = r.optional("audit.kafka.bootstrap.servers");
    Optional<KafkaSettings> kafka = Optional.empty();
    if (bootstrap.isPresent()) {
      Map<String, String> passed = new TreeMap<>();
      settings.forEach(
          (k, v) -> {
            if (k.startsWith(KAFKA_PROPERTY)) {
              passed.put(k.substring(KAFKA_PROPERTY.length()), v);
            }
          });
      Map<String, String> producer =
          KafkaProperties.producer(bootstrap.get(), source, passed, r.problems);
      kafka =
          Optional.of(
              new KafkaSettings(
                  r.text("audit.kafka.topic", DEFAULT_TOPIC),
                  producer,
                  r.duration("audit.kafka.spool-after", Duration.ofSeconds(1)),
                  r.integer("audit.kafka.max-in-flight", 1000, 1, 100_000)));
    } else {
      for (String key : settings.keySet()) {
        if (key.startsWith("audit.kafka.")) {
          r.problem(key, settings.get(key), "needs audit.kafka.bootstrap.servers");
        }
      }
    }
    // The JSON-lines file is the embedded default: on unless Kafka is, or it is turned off.
    String fileSetting = r.text("audit.file", kafka.isPresent() ? "off" : DEFAULT_FILE);
    Optional<Path> file = fileSetting.equals("off") ? Optional.empty() : r.path("audit.file");
    boolean stdout = r.bool("audit.stdout", false);
    long segmentBytes = r.size("audit.spool.segment-bytes", 16L << 20, 4L << 10);
    long maxBytes = r.size("audit.spool.max-bytes", 1L << 30, 0);
    if (maxBytes < 2 * segmentBytes) {
      r.problem(
          "audit.spool.max-bytes",
          String.valueOf(maxBytes),
          "must hold at least two segments (audit.spool.segment-bytes=" + segmentBytes + ")");
    }
    SpoolSettings spool =
        new SpoolSettings(
            r.path("audit.spool.dir").orElse(Path.of("stateguard-audit-spool")),
            maxBytes,
            segmentBytes,
            r.duration("audit.spool.flush-interval", Duration.ofMillis(200)),
            r.choice("audit.spool.when-full", WhenFull.class, WhenFull.REJECT_NEW));
    Durability durability = r.choice("audit.durability", Durability.class, Durability.ASYNC);
    int capacity = r.integer("audit.queue.capacity", 10_000, 1, 10_000_000);
    Duration closeTimeout = r.duration("audit.close-timeout", Duration.ofSeconds(10));
    if (file.isEmpty() && !stdout && kafka.isEmpty()) {
      r.problem(
          "audit.file",
          "off",
          "leaves no sink: set audit.kafka.bootstrap.servers, audit.file or audit.stdout=true");
    }
    if (!r.problems.isEmpty()) {
      throw new AuditConfigException(r.problems);
    }
    return new AuditConfig(source, file, stdout, kafka, spool, durability, capacity, closeTimeout);
  }

  /** The settings every key left at its default gives: a JSON-lines file in the working folder. */
  public static AuditConfig defaults() {
    return from(Map.of());
  }

  private static List<String> known() {
    List<String> keys = new ArrayList<>(new TreeSet<>(KEYS));
    keys.add(KAFKA_PROPERTY + "<kafka producer property>");
    return keys;
  }

  /** Reads typed values, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final Map<String, String> settings;
    final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> settings) {
      this.settings = settings;
    }

    void problem(String key, String value, String allowed) {
      problems.add(key + "=" + value + ": " + allowed);
    }

    Optional<String> optional(String key) {
      String value = settings.get(key);
      if (value == null) {
        return Optional.empty();
      }
      if (value.isBlank()) {
        problem(key, value, "must not be blank");
        return Optional.empty();
      }
      return Optional.of(value.strip());
    }

    String text(String key, String fallback) {
      return optional(key).orElse(fallback);
    }

    Optional<Path> path(String key) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return key.equals("audit.file") ? Optional.of(Path.of(DEFAULT_FILE)) : Optional.empty();
      }
      try {
        return Optional.of(Path.of(value.get()));
      } catch (InvalidPathException e) {
        problem(key, value.get(), "not a file path (" + e.getReason() + ")");
        return Optional.empty();
      }
    }

    boolean bool(String key, boolean fallback) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      return switch (value.get().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> {
          problem(key, value.get(), "use true or false");
          yield fallback;
        }
      };
    }

    int integer(String key, int fallback, int min, int max) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(value.get());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(key, value.get(), "use a whole number from " + min + " to " + max);
      return fallback;
    }

    long size(String key, long fallback, long min) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      long bytes = Sizes.parse(value.get());
      if (bytes < 0 || bytes < min) {
        problem(
            key,
            value.get(),
            "use a size of at least "
                + min
                + " bytes: a number of bytes, or with Ki, Mi or Gi (KiB, MiB, GiB)");
        return fallback;
      }
      return bytes;
    }

    Duration duration(String key, Duration fallback) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      Duration d = Sizes.duration(value.get());
      if (d == null || d.isZero() || d.isNegative()) {
        problem(key, value.get(), "use a positive duration such as 200ms, 5s or 1m");
        return fallback;
      }
      return d;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
      Optional<String> value = optional(key);
      if (value.isEmpty()) {
        return fallback;
      }
      List<String> ids = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        String id = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (id.equals(value.get())) {
          return e;
        }
        ids.add(id);
      }
      problem(key, value.get(), "use " + String.join(" or ", ids));
      return fallback;
    }
  }
}
