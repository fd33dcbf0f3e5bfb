package io.stateguard.admission;

import io.stateguard.audit.AuditConfig;
import io.stateguard.audit.AuditConfigException;
import io.stateguard.cluster.ClusterSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@code stateguard serve} runs, validated once at start. Built from a map of {@code
 * STATEGUARD_*} keys (the environment, with command-line flags laid over it by the CLI), never from
 * {@link System#getenv()} directly, so tests choose every value.
 *
 * <p>A bad value fails the start with the key, the value and what is allowed: {@code
 * STATEGUARD_PORT=http (--port): not a port number; allowed: an integer from 0 to 65535}.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one (tests)
 * @param tlsCert the serving certificate chain (PEM), or empty for development certificates
 * @param tlsKey the serving certificate's private key (PEM), or empty for development certificates
 * @param policies the folder (or file) of policies, or empty for the shipped ones
 * @param logFormat how log lines are written
 * @param bodyLimit the largest request body accepted, in bytes
 * @param shutdownGrace how long in-flight requests may take to finish after SIGTERM
 * @param watchInterval how often the policy and certificate files are checked for changes
 * @param instances how many server verticles (event loops) serve requests
 * @param certificates where the serving certificate comes from (the {@code STATEGUARD_CERTS_*}
 *     settings)
 * @param audit where and how every decision is recorded (the {@code STATEGUARD_AUDIT_*} settings)
 * @param cluster whether and how to connect to the API server for the cross-object rules
 * @param podGuard the quorum guard's ledger: its namespace, reservation lifetime and failure mode
 */
public record ServeConfig(
    String host,
    int port,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> policies,
    LogFormat logFormat,
    long bodyLimit,
    Duration shutdownGrace,
    Duration watchInterval,
    int instances,
    CertificatesConfig certificates,
    AuditConfig audit,
    ClusterSettings cluster,
    PodGuardSettings podGuard) {

  /** The prefix of every environment variable serve reads. */
  public static final String PREFIX = "STATEGUARD_";

  /** The API server's own limit on a request body; larger objects never reach a webhook. */
  public static final long DEFAULT_BODY_LIMIT = 3L * 1024 * 1024;

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One setting: its environment key, its flag, its default (empty: none), and what is allowed.
   *
   * @param key the environment variable ({@code STATEGUARD_PORT})
   * @param flag the command-line flag ({@code --port})
   * @param defaultValue the value when neither is given, as text; empty when there is none
   * @param allowed what a value may be, for error messages and docs
   * @param description what it sets, for docs and {@code --help}
   */
  public record Setting(
      String key, String flag, String defaultValue, String allowed, String description) {}

  public static final Setting HOST =
      new Setting(
          "STATEGUARD_HOST",
          "--host",
          "0.0.0.0",
          "an IP address or a host name",
          "address to listen on");
  public static final Setting PORT =
      new Setting(
          "STATEGUARD_PORT",
          "--port",
          "8443",
          "an integer from 0 to 65535 (0: any free port)",
          "HTTPS port");
  public static final Setting TLS_CERT =
      new Setting(
          "STATEGUARD_TLS_CERT",
          "--tls-cert",
          "",
          "a readable PEM file, given together with --tls-key",
          "serving certificate chain (PEM); without it and --tls-key, development certificates"
              + " are generated into certs/");
  public static final Setting TLS_KEY =
      new Setting(
          "STATEGUARD_TLS_KEY",
          "--tls-key",
          "",
          "a readable PEM file, given together with --tls-cert",
          "private key of the serving certificate (PEM)");
  public static final Setting POLICIES =
      new Setting(
          "STATEGUARD_POLICIES",
          "--policies",
          "",
          "a folder or file of StatefulPolicy YAML",
          "policies, watched and reloaded on change; default: the shipped policies");
  public static final Setting LOG_FORMAT =
      new Setting(
          "STATEGUARD_LOG_FORMAT", "--log-format", "text", "text or json", "log line format");
  public static final Setting BODY_LIMIT =
      new Setting(
          "STATEGUARD_BODY_LIMIT",
          "--body-limit",
          "3MiB",
          "a size from 1KiB to 64MiB, in bytes or with KiB or MiB",
          "largest request body accepted (larger: 413)");
  public static final Setting SHUTDOWN_GRACE =
      new Setting(
          "STATEGUARD_SHUTDOWN_GRACE",
          "--shutdown-grace",
          "20s",
          "a duration from 0s to 10m, such as 500ms, 20s or 1m",
          "time in-flight requests get to finish after SIGTERM");
  public static final Setting WATCH_INTERVAL =
      new Setting(
          "STATEGUARD_WATCH_INTERVAL",
          "--watch-interval",
          "2s",
          "a duration from 50ms to 10m",
          "how often policy and certificate files are checked for changes");
  public static final Setting INSTANCES =
      new Setting(
          "STATEGUARD_INSTANCES",
          "--instances",
          "0",
          "an integer from 0 to 256 (0: one per available processor)",
          "server event loops");

  public static final Setting AUDIT_CLUSTER =
      new Setting(
          "STATEGUARD_AUDIT_CLUSTER",
          "--audit-cluster",
          "default",
          "a non-blank name",
          "cluster name in each audit event's source");
  public static final Setting AUDIT_REPLICA =
      new Setting(
          "STATEGUARD_AUDIT_REPLICA",
          "--audit-replica",
          "$HOSTNAME (the pod name), else stateguard",
          "a non-blank name",
          "replica name in each audit event's source");
  public static final Setting AUDIT_FILE =
      new Setting(
          "STATEGUARD_AUDIT_FILE",
          "--audit-file",
          "stateguard-audit.jsonl; off when Kafka is set",
          "a writable file path, or off",
          "JSON-lines file every audit event is appended to");
  public static final Setting AUDIT_STDOUT =
      new Setting(
          "STATEGUARD_AUDIT_STDOUT",
          "--audit-stdout",
          "false",
          "true or false",
          "also write every audit event to standard output, one JSON line each");
  public static final Setting AUDIT_KAFKA =
      new Setting(
          "STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS",
          "--audit-kafka-bootstrap-servers",
          "",
          "host:port[,host:port...]",
          "send audit events to this Kafka cluster; other producer properties (TLS, SASL) as"
              + " STATEGUARD_AUDIT_KAFKA_PROPERTY_<NAME>, such as"
              + " STATEGUARD_AUDIT_KAFKA_PROPERTY_SECURITY_PROTOCOL=SSL");
  public static final Setting AUDIT_KAFKA_TOPIC =
      new Setting(
          "STATEGUARD_AUDIT_KAFKA_TOPIC",
          "--audit-kafka-topic",
          "stateguard.audit",
          "a topic name",
          "Kafka topic of the audit events");
  public static final Setting AUDIT_SPOOL_DIR =
      new Setting(
          "STATEGUARD_AUDIT_SPOOL_DIR",
          "--audit-spool-dir",
          "stateguard-audit-spool",
          "a writable folder this process alone uses",
          "where audit events wait on disk while Kafka is slow or down");
  public static final Setting AUDIT_SPOOL_MAX_BYTES =
      new Setting(
          "STATEGUARD_AUDIT_SPOOL_MAX_BYTES",
          "--audit-spool-max-bytes",
          "1GiB",
          "a size in bytes or with KiB, MiB or GiB; at least two spool segments (16MiB each)",
          "the most the spool may hold");
  public static final Setting AUDIT_SPOOL_WHEN_FULL =
      new Setting(
          "STATEGUARD_AUDIT_SPOOL_WHEN_FULL",
          "--audit-spool-when-full",
          "reject-new",
          "reject-new or drop-oldest",
          "what happens to audit events when the spool is full (both counted and logged)");
  public static final Setting AUDIT_DURABILITY =
      new Setting(
          "STATEGUARD_AUDIT_DURABILITY",
          "--audit-durability",
          "async",
          "async or sync",
          "sync: each audit event is on disk before its response is sent; async: the response"
              + " goes first, and up to the spool flush interval (200ms) can be lost in a crash");

  public static final Setting CLUSTER =
      new Setting(
          "STATEGUARD_CLUSTER",
          "--cluster",
          "auto",
          "auto, on or off",
          "connect to the API server for the cross-object rules (headless-service, the PDB"
              + " rules): on, off, or auto (when --kubeconfig is given or serve runs in a pod with"
              + " a service account); without it those rules see an empty cluster");
  public static final Setting KUBECONFIG =
      new Setting(
          "STATEGUARD_KUBECONFIG",
          "--kubeconfig",
          "",
          "a readable kubeconfig file with a current-context",
          "kubeconfig of the cluster to watch; default: the in-cluster service account, then"
              + " KUBECONFIG, then ~/.kube/config");

  public static final Setting NAMESPACE =
      new Setting(
          "STATEGUARD_NAMESPACE",
          "--namespace",
          "",
          "a namespace name (lower case letters, digits and dashes)",
          "stateguard's own namespace, where the quorum guard keeps its disruption ledger (one"
              + " Lease per StatefulSet); default: POD_NAMESPACE (set by the chart), else"
              + " stateguard");
  public static final Setting RESERVATION_TTL =
      new Setting(
          "STATEGUARD_RESERVATION_TTL",
          "--reservation-ttl",
          "2m",
          "a duration from 5s to 10m",
          "how long an allowed pod delete is held in the disruption ledger when its pod is never"
              + " seen gone");
  public static final Setting POD_GUARD_FAILURE =
      new Setting(
          "STATEGUARD_POD_GUARD_FAILURE",
          "--pod-guard-failure",
          "closed",
          "closed or open",
          "when the disruption ledger cannot be read or written: closed denies the pod delete"
              + " with the reason, open allows it with a warning");

  /** The pod's namespace, from the downward API: the default of {@link #NAMESPACE}. */
  public static final String POD_NAMESPACE = "POD_NAMESPACE";

  private static final Pattern NAMESPACE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** Every setting, in the order docs list them. */
  public static final List<Setting> SETTINGS =
      concat(
          HOST,
          PORT,
          TLS_CERT,
          TLS_KEY,
          POLICIES,
          LOG_FORMAT,
          BODY_LIMIT,
          SHUTDOWN_GRACE,
          WATCH_INTERVAL,
          INSTANCES,
          AUDIT_CLUSTER,
          AUDIT_REPLICA,
          AUDIT_FILE,
          AUDIT_STDOUT,
          AUDIT_KAFKA,
          AUDIT_KAFKA_TOPIC,
          AUDIT_SPOOL_DIR,
          AUDIT_SPOOL_MAX_BYTES,
          AUDIT_SPOOL_WHEN_FULL,
          AUDIT_DURABILITY,
          CLUSTER,
          KUBECONFIG,
          NAMESPACE,
          RESERVATION_TTL,
          POD_GUARD_FAILURE);

  private static List<Setting> concat(Setting... settings) {
    List<Setting> all = new ArrayList<>(List.of(settings));
    all.addAll(CertificatesConfig.SETTINGS);
    return List.copyOf(all);
  }

  /** The audit stream's key ({@link AuditConfig}) of each audit setting. */
  private static final Map<Setting, String> AUDIT_KEYS =
      Map.of(
          AUDIT_CLUSTER, "audit.cluster",
          AUDIT_REPLICA, "audit.replica",
          AUDIT_FILE, "audit.file",
          AUDIT_STDOUT, "audit.stdout",
          AUDIT_KAFKA, "audit.kafka.bootstrap.servers",
          AUDIT_KAFKA_TOPIC, "audit.kafka.topic",
          AUDIT_SPOOL_DIR, "audit.spool.dir",
          AUDIT_SPOOL_MAX_BYTES, "audit.spool.max-bytes",
          AUDIT_SPOOL_WHEN_FULL, "audit.spool.when-full",
          AUDIT_DURABILITY, "audit.durability");

  /**
   * Kafka producer properties are passed through: {@code
   * STATEGUARD_AUDIT_KAFKA_PROPERTY_SSL_TRUSTSTORE_LOCATION} is {@code ssl.truststore.location}
   * (Kafka's property names are lower case with dots).
   */
  public static final String KAFKA_PROPERTY_PREFIX = "STATEGUARD_AUDIT_KAFKA_PROPERTY_";

  /** The pod name in Kubernetes: the default replica name of the audit events' source. */
  public static final String HOSTNAME = "HOSTNAME";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|B|KiB|MiB)");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]%]{1,253}");

  public ServeConfig {
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new IllegalArgumentException("a certificate and its key go together");
    }
  }

  /** The default configuration. */
  public static ServeConfig defaults() {
    return from(Map.of());
  }

  /**
   * The configuration {@code values} describe: {@code STATEGUARD_*} keys, others ignored.
   *
   * @throws InvalidConfigException naming every bad key, its value and what is allowed
   */
  public static ServeConfig from(Map<String, String> values) {
    Reader r = new Reader(values);
    String host = r.read(HOST, ServeConfig::host);
    Integer port = r.read(PORT, v -> integer(v, 0, 65_535, "not a port number"));
    Optional<Path> cert = r.readOptional(TLS_CERT, ServeConfig::path);
    Optional<Path> key = r.readOptional(TLS_KEY, ServeConfig::path);
    Optional<Path> policies = r.readOptional(POLICIES, ServeConfig::path);
    LogFormat format = r.read(LOG_FORMAT, ServeConfig::logFormat);
    Long limit = r.read(BODY_LIMIT, ServeConfig::size);
    Duration grace = r.read(SHUTDOWN_GRACE, v -> duration(v, Duration.ZERO));
    Duration watch = r.read(WATCH_INTERVAL, v -> duration(v, Duration.ofMillis(50)));
    Integer instances = r.read(INSTANCES, v -> integer(v, 0, 256, "not a number of instances"));
    AuditConfig audit = audit(values, r.problems);
    CertificatesConfig certificates = CertificatesConfig.read(r);
    if (CertificatesConfig.Mode.SELF.id().equals(r.raw(CertificatesConfig.MODE))
        && cert.isPresent()) {
      r.problem(
          CertificatesConfig.MODE,
          "self",
          "not with "
              + TLS_CERT.key()
              + " ("
              + TLS_CERT.flag()
              + "): self mode writes its own certificate files; give one or the other");
    }
    ClusterSettings.Mode clusterMode = r.read(CLUSTER, ClusterSettings.Mode::parse);
    Optional<Path> kubeconfig = r.readOptional(KUBECONFIG, ServeConfig::path);
    if (clusterMode == ClusterSettings.Mode.OFF && kubeconfig.isPresent()) {
      r.problems.add(
          KUBECONFIG.key()
              + "="
              + r.raw(KUBECONFIG)
              + " ("
              + KUBECONFIG.flag()
              + "): contradicts "
              + CLUSTER.key()
              + "=off ("
              + CLUSTER.flag()
              + "); allowed: a kubeconfig with --cluster auto or on, or none with off");
    }
    PodGuardSettings podGuard = podGuard(values, r);
    if (cert.isPresent() != key.isPresent() && r.problems.isEmpty()) {
      Setting given = cert.isPresent() ? TLS_CERT : TLS_KEY;
      Setting missing = cert.isPresent() ? TLS_KEY : TLS_CERT;
      r.problems.add(
          given.key()
              + "="
              + r.raw(given)
              + " ("
              + given.flag()
              + "): needs "
              + missing.key()
              + " ("
              + missing.flag()
              + ") too; allowed: both or neither (neither generates development certificates)");
    }
    if (!r.problems.isEmpty()) {
      throw new InvalidConfigException(r.problems);
    }
    int eventLoops = instances == 0 ? Runtime.getRuntime().availableProcessors() : instances;
    return new ServeConfig(
        host,
        port,
        cert,
        key,
        policies,
        format,
        limit,
        grace,
        watch,
        eventLoops,
        certificates,
        audit,
        new ClusterSettings(clusterMode, kubeconfig),
        podGuard);
  }

  /** The quorum guard's settings; the namespace falls back to {@code POD_NAMESPACE}. */
  private static PodGuardSettings podGuard(Map<String, String> values, Reader r) {
    String given = r.raw(NAMESPACE);
    String pod = values.getOrDefault(POD_NAMESPACE, "").strip();
    String namespace =
        r.read(
            NAMESPACE,
            v -> {
              String ns =
                  v.isEmpty() ? (pod.isEmpty() ? PodGuardSettings.DEFAULT_NAMESPACE : pod) : v;
              if (!NAMESPACE_NAME.matcher(ns).matches()) {
                throw new IllegalArgumentException(
                    given.isEmpty()
                        ? POD_NAMESPACE + " is not a namespace name"
                        : "not a namespace name");
              }
              return ns;
            });
    Duration ttl = r.read(RESERVATION_TTL, v -> duration(v, Duration.ofSeconds(5)));
    Boolean open =
        r.read(
            POD_GUARD_FAILURE,
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "closed" -> false;
                  case "open" -> true;
                  default -> throw new IllegalArgumentException("not a failure mode");
                });
    String replica = values.getOrDefault(HOSTNAME, "").strip();
    if (namespace == null || ttl == null || open == null) {
      return null;
    }
    return new PodGuardSettings(namespace, replica.isEmpty() ? "stateguard" : replica, ttl, open);
  }

  /**
   * The audit settings, read by {@link AuditConfig} from its {@code audit.*} keys; its problems are
   * reported with the variable and flag the user set, like every other setting's.
   */
  private static AuditConfig audit(Map<String, String> values, List<String> problems) {
    Map<String, String> keys = new TreeMap<>();
    Map<String, Setting> byKey = new TreeMap<>();
    AUDIT_KEYS.forEach(
        (setting, key) -> {
          byKey.put(key, setting);
          String v = values.get(setting.key());
          if (v != null) {
            keys.put(key, v);
          }
        });
    String pod = values.get(HOSTNAME);
    if (!keys.containsKey("audit.replica") && pod != null && !pod.isBlank()) {
      keys.put("audit.replica", pod.strip());
    }
    values.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PROPERTY_PREFIX) && k.length() > KAFKA_PROPERTY_PREFIX.length()) {
            String property =
                k.substring(KAFKA_PROPERTY_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            keys.put("audit.kafka.property." + property, v);
          }
        });
    try {
      return AuditConfig.from(keys);
    } catch (AuditConfigException e) {
      for (String problem : e.problems()) {
        problems.add(withSetting(problem, byKey));
      }
      return null;
    }
  }

  /** {@code audit.durability=x: use async or sync} as {@code STATEGUARD_AUDIT_DURABILITY=x ...}. */
  private static String withSetting(String problem, Map<String, Setting> byKey) {
    int eq = problem.indexOf('=');
    int colon = problem.indexOf(": ", Math.max(eq, 0));
    if (eq < 0 || colon < 0) {
      return problem;
    }
    String key = problem.substring(0, eq);
    String value = problem.substring(eq + 1, colon);
    String why = problem.substring(colon + 2);
    Setting s = byKey.get(key);
    if (s != null) {
      return s.key() + "=" + value + " (" + s.flag() + "): " + why;
    }
    if (key.startsWith("audit.kafka.property.")) {
      String name = key.substring("audit.kafka.property.".length());
      return KAFKA_PROPERTY_PREFIX
          + name.toUpperCase(Locale.ROOT).replace('.', '_')
          + "="
          + value
          + " (Kafka producer property "
          + name
          + "): "
          + why;
    }
    return problem;
  }

  /** Whether the user gave the certificate files (else development certificates are used). */
  public boolean hasCertificateFiles() {
    return tlsCert.isPresent();
  }

  /** This configuration with the certificate files set (development certificates made at start). */
  public ServeConfig withCertificateFiles(Path cert, Path key) {
    return new ServeConfig(
        host,
        port,
        Optional.of(cert),
        Optional.of(key),
        policies,
        logFormat,
        bodyLimit,
        shutdownGrace,
        watchInterval,
        instances,
        certificates,
        audit,
        cluster,
        podGuard);
  }

  /** Bad configuration: every problem, each naming the key, the value and what is allowed. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidConfigException(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Reads settings, collecting every problem rather than stopping at the first. */
  static final class Reader {
    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> values) {
      this.values = new LinkedHashMap<>(values);
    }

    String raw(Setting s) {
      String v = values.get(s.key());
      return v == null ? s.defaultValue() : v.strip();
    }

    <T> T read(Setting s, Function<String, T> parse) {
      String value = raw(s);
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(
            s.key()
                + "="
                + value
                + " ("
                + s.flag()
                + "): "
                + e.getMessage()
                + "; allowed: "
                + s.allowed());
        return null;
      }
    }

    /** A problem found across settings, in the same form as the others. */
    void problem(Setting s, String value, String why) {
      problems.add(
          s.key() + "=" + value + " (" + s.flag() + "): " + why + "; allowed: " + s.allowed());
    }

    <T> Optional<T> readOptional(Setting s, Function<String, T> parse) {
      String value = raw(s);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      return Optional.ofNullable(read(s, parse));
    }
  }

  private static String host(String value) {
    if (!HOST_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException("not an address or host name");
    }
    return value;
  }

  static Path path(String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path (" + e.getReason() + ")", e);
    }
  }

  private static LogFormat logFormat(String value) {
    for (LogFormat f : LogFormat.values()) {
      if (f.id().equals(value)) {
        return f;
      }
    }
    throw new IllegalArgumentException("not a log format");
  }

  private static int integer(String value, int min, int max, String what) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what, e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("out of range");
    }
    return n;
  }

  /** {@code 3145728}, {@code 3145728B}, {@code 512KiB} or {@code 3MiB}. */
  static long size(String value) {
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size");
    }
    long n = Long.parseLong(m.group(1));
    long bytes =
        switch (m.group(2)) {
          case "KiB" -> n * 1024;
          case "MiB" -> n * 1024 * 1024;
          default -> n;
        };
    if (bytes < 1024 || bytes > 64L * 1024 * 1024) {
      throw new IllegalArgumentException("out of range");
    }
    return bytes;
  }

  /** {@code 500ms}, {@code 20s} or {@code 1m}, from {@code min} to ten minutes. */
  static Duration duration(String value, Duration min) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
    if (d.compareTo(min) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("out of range");
    }
    return d;
  }
}
