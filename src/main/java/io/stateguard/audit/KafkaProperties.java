package io.stateguard.audit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer properties of the Kafka sink: stateguard's defaults, what the user passes through
 * ({@code audit.kafka.property.<key>}: TLS, SASL, timeouts, ...), and the few settings the audit
 * guarantees rest on, which cannot be weakened. Checked here against the Kafka client's own
 * definitions, so a misspelt or mistyped property fails at start, not at the first send.
 */
final class KafkaProperties {

  static final String BOOTSTRAP_SERVERS = ProducerConfig.BOOTSTRAP_SERVERS_CONFIG;

  /**
   * Defaults a user may change. Audit events are small (a few KB) and steady, and the producer runs
   * on the cores that answer admissions, so the defaults favour few, full batches over the lowest
   * delivery latency: the delivery latency is off the request path, the CPU and garbage per batch
   * are not (see docs/audit-events.md, "Producer defaults").
   */
  static final Map<String, String> DEFAULTS =
      Map.of(
          // lz4 falls back to pure Java where native code cannot load (read-only /tmp).
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
          // Each lz4 batch allocates about 128 KiB of block buffers however few records it holds:
          // at 5 ms a 1,000/s stream over 3 partitions made batches of about 5 events (25 KB of
          // garbage per event, a sixth of the webhook's allocation); at 50 ms batches are about
          // ten times fuller.
          ProducerConfig.LINGER_MS_CONFIG, "50",
          // A produce request carries one batch per partition, and an idempotent producer has at
          // most 5 requests in flight per broker: 16 KiB batches (the client's default) capped an
          // uncompressed stream at a few MB/s on a busy broker. 64 KiB keeps the memory of one
          // open batch per partition small beside buffer.memory (32 MiB) with many partitions.
          ProducerConfig.BATCH_SIZE_CONFIG, "65536",
          // A send waits this long for metadata before failing; events spool meanwhile.
          ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");

  /** What the guarantees rest on: every replica has it, and retries never duplicate or reorder. */
  private static final Map<String, String> FIXED =
      Map.of(
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");

  /** Set by stateguard itself, never passed through. */
  private static final Set<String> OWN =
      Set.of(
          BOOTSTRAP_SERVERS,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG);

  private KafkaProperties() {}

  /**
   * The producer's properties, adding to {@code problems} one line for each passed property that is
   * unknown, weakens a guarantee or has a value the client rejects.
   */
  static Map<String, String> producer(
      String bootstrap, EventSource source, Map<String, String> passed, List<String> problems) {
    int before = problems.size();
    checkBootstrap(bootstrap, problems);
    Map<String, String> props = new TreeMap<>(DEFAULTS);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "stateguard-audit-" + source.replica());
    passed.forEach(
        (key, value) -> {
          String setting = AuditConfig.KAFKA_PROPERTY + key;
          if (OWN.contains(key)) {
            problems.add(
                setting
                    + "="
                    + value
                    + ": set by stateguard"
                    + (key.equals(BOOTSTRAP_SERVERS) ? "; use audit.kafka.bootstrap.servers" : ""));
          } else if (FIXED.containsKey(key) && !FIXED.get(key).equals(value)) {
            boolean same = key.equals(ProducerConfig.ACKS_CONFIG) && value.equals("-1");
            if (!same) {
              problems.add(
                  setting
                      + "="
                      + value
                      + ": must be "
                      + FIXED.get(key)
                      + " (the audit stream loses nothing only with it)");
            }
          } else if (!ProducerConfig.configNames().contains(key)) {
            problems.add(
                setting + "=" + value + ": '" + key + "' is not a Kafka producer property");
          } else {
            props.put(key, value);
          }
        });
    props.putAll(FIXED);
    props.put(BOOTSTRAP_SERVERS, bootstrap);
    if (problems.size() == before) {
      // Let the client check types and ranges as it will when the producer starts.
      Map<String, Object> typed = new TreeMap<>(props);
      typed.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      typed.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      try {
        new ProducerConfig(typed);
      } catch (ConfigException e) {
        problems.add("audit.kafka.property.*: " + e.getMessage());
      }
    }
    return props;
  }

  /** Each server is {@code host:port} with a port from 1 to 65535; names resolve later. */
  private static void checkBootstrap(String bootstrap, List<String> problems) {
    for (String server : bootstrap.split(",")) {
      String s = server.strip();
      int colon = s.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          int port = Integer.parseInt(s.substring(colon + 1));
          ok = port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        problems.add(
            "audit.kafka.bootstrap.servers="
                + bootstrap
                + ": '"
                + s
                + "' is not host:port; use a comma-separated list such as kafka-0:9092,kafka-1:9092");
        return;
      }
    }
  }
}
