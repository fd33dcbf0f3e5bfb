package io.stateguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stateguard.admission.ServeConfig;
import io.stateguard.admission.Webhook;
import io.stateguard.cluster.ClusterConnection;
import io.stateguard.cluster.ClusterSettings;
import io.stateguard.cluster.KubeClients;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stateguard serve}: the HTTPS admission webhook. Runs until SIGTERM or SIGINT, then stops
 * gracefully and exits 0.
 *
 * <p>Every flag has a {@code STATEGUARD_*} environment variable; a flag wins over its variable.
 * Both are validated together at start ({@link ServeConfig#from}).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the admission webhook (POST /validate, POST /mutate) over HTTPS.",
      "Each option can also be set with the environment variable in brackets; the option wins.",
      "Exit status: 0 after a graceful stop, 2 bad configuration or a failed start."
    })
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOGGER = LoggerFactory.getLogger(ServeCommand.class);

  /** Where development certificates go when no certificate files are given. */
  static final Path DEV_CERTS = Path.of("certs");

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address to listen on [STATEGUARD_HOST]. Default: 0.0.0.0.")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTPS port, 0 for any free one [STATEGUARD_PORT]. Default: 8443.")
  String port;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Serving certificate chain, PEM [STATEGUARD_TLS_CERT]. Reloaded when it changes."
              + " Without --tls-cert and --tls-key, development certificates for localhost and"
              + " 127.0.0.1 are made in certs/.")
  String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "Private key of the serving certificate, PEM [STATEGUARD_TLS_KEY].")
  String tlsKey;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description =
          "Folder (or file) of StatefulPolicy YAML, reloaded when it changes"
              + " [STATEGUARD_POLICIES]. Default: the shipped policies.")
  String policies;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = "text or json [STATEGUARD_LOG_FORMAT]. Default: text.")
  String logFormat;

  @Option(
      names = "--body-limit",
      paramLabel = "SIZE",
      description =
          "Largest request body, in bytes or with KiB/MiB; larger ones get 413"
              + " [STATEGUARD_BODY_LIMIT]. Default: 3MiB.")
  String bodyLimit;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      description =
          "Time in-flight requests get to finish after SIGTERM, such as 20s"
              + " [STATEGUARD_SHUTDOWN_GRACE]. Default: 20s.")
  String shutdownGrace;

  @Option(
      names = "--watch-interval",
      paramLabel = "DURATION",
      description =
          "How often policy and certificate files are checked for changes"
              + " [STATEGUARD_WATCH_INTERVAL]. Default: 2s.")
  String watchInterval;

  @Option(
      names = "--instances",
      paramLabel = "N",
      description =
          "Server event loops, 0 for one per processor [STATEGUARD_INSTANCES]. Default: 0.")
  String instances;

  @Option(
      names = "--audit-cluster",
      paramLabel = "NAME",
      description =
          "Cluster name in each audit event's source [STATEGUARD_AUDIT_CLUSTER]. Default: "
              + "default.")
  String auditCluster;

  @Option(
      names = "--audit-replica",
      paramLabel = "NAME",
      description =
          "Replica name in each audit event's source [STATEGUARD_AUDIT_REPLICA]. Default: "
              + "$HOSTNAME (the pod name).")
  String auditReplica;

  @Option(
      names = "--audit-file",
      paramLabel = "FILE",
      description =
          "JSON-lines file every audit event is appended to, or off "
              + "[STATEGUARD_AUDIT_FILE]. Default: stateguard-audit.jsonl, off when Kafka is set.")
  String auditFile;

  @Option(
      names = "--audit-stdout",
      paramLabel = "BOOL",
      description =
          "Also write audit events to standard output: true or false "
              + "[STATEGUARD_AUDIT_STDOUT]. Default: false.")
  String auditStdout;

  @Option(
      names = "--audit-kafka-bootstrap-servers",
      paramLabel = "SERVERS",
      description =
          "Send audit events to this Kafka cluster, host:port[,...] "
              + "[STATEGUARD_AUDIT_KAFKA_BOOTSTRAP_SERVERS]; other producer properties (TLS, "
              + "SASL) as STATEGUARD_AUDIT_KAFKA_PROPERTY_<NAME>.")
  String auditKafka;

  @Option(
      names = "--audit-kafka-topic",
      paramLabel = "TOPIC",
      description =
          "Kafka topic of the audit events [STATEGUARD_AUDIT_KAFKA_TOPIC]. Default: "
              + "stateguard.audit.")
  String auditKafkaTopic;

  @Option(
      names = "--audit-spool-dir",
      paramLabel = "DIR",
      description =
          "Where audit events wait on disk while Kafka is slow or down "
              + "[STATEGUARD_AUDIT_SPOOL_DIR]. Default: stateguard-audit-spool.")
  String auditSpoolDir;

  @Option(
      names = "--audit-spool-max-bytes",
      paramLabel = "SIZE",
      description =
          "The most the spool may hold [STATEGUARD_AUDIT_SPOOL_MAX_BYTES]. Default: 1GiB.")
  String auditSpoolMaxBytes;

  @Option(
      names = "--audit-spool-when-full",
      paramLabel = "POLICY",
      description =
          "reject-new or drop-oldest when the spool is full "
              + "[STATEGUARD_AUDIT_SPOOL_WHEN_FULL]. Default: reject-new.")
  String auditSpoolWhenFull;

  @Option(
      names = "--audit-durability",
      paramLabel = "MODE",
      description =
          "async or sync: with sync each audit event is on disk before its response is "
              + "sent [STATEGUARD_AUDIT_DURABILITY]. Default: async.")
  String auditDurability;

  @Mixin CertificateOptions certificateOptions = new CertificateOptions();

  @Option(
      names = "--cluster",
      paramLabel = "MODE",
      description =
          "Connect to the API server for the cross-object rules: auto, on or off"
              + " [STATEGUARD_CLUSTER]. auto connects when --kubeconfig is given or serve runs in"
              + " a pod with a service account. Default: auto.")
  String cluster;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig of the cluster to watch [STATEGUARD_KUBECONFIG]. Default: the in-cluster"
              + " service account, then KUBECONFIG, then ~/.kube/config.")
  String kubeconfig;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      description =
          "stateguard's own namespace, where the quorum guard keeps its disruption ledger (one"
              + " Lease per StatefulSet) [STATEGUARD_NAMESPACE]. Default: POD_NAMESPACE, else"
              + " stateguard.")
  String namespace;

  @Option(
      names = "--reservation-ttl",
      paramLabel = "DURATION",
      description =
          "How long an allowed pod delete is held in the disruption ledger when its pod is never"
              + " seen gone, 5s to 10m [STATEGUARD_RESERVATION_TTL]. Default: 2m.")
  String reservationTtl;

  @Option(
      names = "--pod-guard-failure",
      paramLabel = "MODE",
      description =
          "When the disruption ledger cannot be read or written: closed denies the pod delete"
              + " with the reason, open allows it with a warning [STATEGUARD_POD_GUARD_FAILURE]."
              + " Default: closed.")
  String podGuardFailure;

  private final Map<String, String> environment;
  private final Path devCerts;
  private final Path serviceAccountToken;

  ServeCommand() {
    this(System.getenv(), DEV_CERTS, ClusterSettings.SERVICE_ACCOUNT_TOKEN);
  }

  /**
   * @param environment where {@code STATEGUARD_*} variables are read
   * @param devCerts where development certificates go when no certificate files are given
   */
  ServeCommand(Map<String, String> environment, Path devCerts) {
    this(environment, devCerts, ClusterSettings.SERVICE_ACCOUNT_TOKEN);
  }

  /**
   * @param environment where {@code STATEGUARD_*} variables are read
   * @param devCerts where development certificates go when no certificate files are given
   * @param serviceAccountToken where a pod's service account token would be (for {@code --cluster
   *     auto})
   */
  ServeCommand(Map<String, String> environment, Path devCerts, Path serviceAccountToken) {
    this.environment = Map.copyOf(environment);
    this.devCerts = devCerts;
    this.serviceAccountToken = serviceAccountToken;
  }

  /** The settings: {@code STATEGUARD_*} variables, with the flags given laid over them. */
  Map<String, String> settings() {
    Map<String, String> values = new HashMap<>();
    environment.forEach(
        (k, v) -> {
          // HOSTNAME: the pod name, the audit events' default replica.
          if (k.startsWith(ServeConfig.PREFIX) || k.equals(ServeConfig.HOSTNAME)) {
            values.put(k, v);
          }
        });
    put(values, ServeConfig.HOST, host);
    put(values, ServeConfig.PORT, port);
    put(values, ServeConfig.TLS_CERT, tlsCert);
    put(values, ServeConfig.TLS_KEY, tlsKey);
    put(values, ServeConfig.POLICIES, policies);
    put(values, ServeConfig.LOG_FORMAT, logFormat);
    put(values, ServeConfig.BODY_LIMIT, bodyLimit);
    put(values, ServeConfig.SHUTDOWN_GRACE, shutdownGrace);
    put(values, ServeConfig.WATCH_INTERVAL, watchInterval);
    put(values, ServeConfig.INSTANCES, instances);
    put(values, ServeConfig.AUDIT_CLUSTER, auditCluster);
    put(values, ServeConfig.AUDIT_REPLICA, auditReplica);
    put(values, ServeConfig.AUDIT_FILE, auditFile);
    put(values, ServeConfig.AUDIT_STDOUT, auditStdout);
    put(values, ServeConfig.AUDIT_KAFKA, auditKafka);
    put(values, ServeConfig.AUDIT_KAFKA_TOPIC, auditKafkaTopic);
    put(values, ServeConfig.AUDIT_SPOOL_DIR, auditSpoolDir);
    put(values, ServeConfig.AUDIT_SPOOL_MAX_BYTES, auditSpoolMaxBytes);
    put(values, ServeConfig.AUDIT_SPOOL_WHEN_FULL, auditSpoolWhenFull);
    put(values, ServeConfig.AUDIT_DURABILITY, auditDurability);
    certificateOptions.putInto(values);
    put(values, ServeConfig.CLUSTER, cluster);
    put(values, ServeConfig.KUBECONFIG, kubeconfig);
    put(values, ServeConfig.NAMESPACE, namespace);
    put(values, ServeConfig.RESERVATION_TTL, reservationTtl);
    put(values, ServeConfig.POD_GUARD_FAILURE, podGuardFailure);
    return values;
  }

  private static void put(Map<String, String> values, ServeConfig.Setting setting, String flag) {
    if (flag != null) {
      values.put(setting.key(), flag);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ServeConfig config;
    try {
      config = ServeConfig.from(settings());
    } catch (ServeConfig.InvalidConfigException e) {
      for (String problem : e.problems()) {
        err.println("stateguard: " + problem);
      }
      err.flush();
      return Main.EXIT_USAGE;
    }
    Logging.configure(config.logFormat());
    Optional<ClusterConnection> connection;
    try {
      connection = connect(config.cluster());
    } catch (KubeClients.ConnectException e) {
      err.println("stateguard: " + e.getMessage());
      err.flush();
      Logging.stop();
      return Main.EXIT_USAGE;
    }
    SelfCertificates self = null;
    if (config.certificates().self()) {
      try {
        self =
            SelfCertificates.start(
                config, selfCertificatesClient(connection, config), Clock.systemUTC());
      } catch (SelfCertificates.StartException | KubeClients.ConnectException e) {
        connection.ifPresent(ClusterConnection::close);
        err.println("stateguard: " + e.getMessage());
        err.flush();
        Logging.stop();
        return Main.EXIT_USAGE;
      }
      config = self.config();
    } else if (!config.hasCertificateFiles()) {
      DevCertificates.Files files = DevCertificates.ensure(devCerts, Clock.systemUTC());
      config = config.withCertificateFiles(files.cert(), files.key());
      LOGGER
          .atWarn()
          .addKeyValue("certificate", files.cert())
          .addKeyValue("ca", files.ca())
          .addKeyValue("notAfter", files.material().certificate().getNotAfter().toInstant())
          .log(
              "no --tls-cert and --tls-key: serving development certificates for localhost;"
                  + " clients must trust {}",
              files.ca());
    }
    Path source = config.policies().isPresent() ? config.policies().get() : bundledPolicies();
    ClusterView view =
        connection.<ClusterView>map(ClusterConnection::view).orElse(ClusterView.empty());
    Webhook webhook;
    try {
      webhook =
          Webhook.start(
              config,
              source,
              Rules.all(),
              Mutations.all(),
              view,
              connection.map(ClusterConnection::client),
              System.out);
    } catch (Webhook.StartException e) {
      closeQuietly(self);
      connection.ifPresent(ClusterConnection::close);
      err.println("stateguard: " + e.getMessage());
      err.flush();
      Logging.stop();
      return Main.EXIT_USAGE;
    }
    CountDownLatch forever = new CountDownLatch(1);
    SelfCertificates certificates = self;
    Thread hook =
        new Thread(
            () -> {
              webhook.close();
              closeQuietly(certificates);
              // After the last response: no rule reads the caches any more.
              connection.ifPresent(ClusterConnection::close);
              Logging.stop();
              // A stop asked for is a clean exit, not death by signal (143).
              Runtime.getRuntime().halt(0);
            },
            "stateguard-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // SIGTERM arrived while starting: stop at once, as asked.
      webhook.close();
      closeQuietly(self);
      connection.ifPresent(ClusterConnection::close);
      Logging.stop();
      return 0;
    }
    forever.await();
    return 0;
  }

  /**
   * The API server for self-managed certificates: the cluster connection's client when serve
   * watches the cluster, else one of its own (in a pod: its service account).
   */
  private static KubernetesClient selfCertificatesClient(
      Optional<ClusterConnection> connection, ServeConfig config)
      throws KubeClients.ConnectException {
    if (connection.isPresent()) {
      return connection.get().client();
    }
    return KubeClients.connect(config.cluster().kubeconfig());
  }

  private static void closeQuietly(SelfCertificates self) {
    if (self != null) {
      self.close();
    }
  }

  /**
   * The API server connection the settings ask for, started (its caches sync in the background), or
   * empty: then the cross-object rules see an empty cluster, which the log says.
   */
  private Optional<ClusterConnection> connect(ClusterSettings settings)
      throws KubeClients.ConnectException {
    String reason = settings.reason(environment, serviceAccountToken);
    if (!settings.connects(environment, serviceAccountToken)) {
      LOGGER
          .atWarn()
          .addKeyValue("reason", reason)
          .log(
              "not connected to a cluster ({}): cross-object rules (headless-service, pdb-quorum,"
                  + " pdb-overlap, pdb-coverage, pdb-blocks-maintenance) see an empty cluster;"
                  + " give --kubeconfig or --cluster on to watch one",
              reason);
      return Optional.empty();
    }
    ClusterConnection connection = ClusterConnection.open(settings.kubeconfig());
    LOGGER
        .atInfo()
        .addKeyValue("server", connection.view().server())
        .addKeyValue("reason", reason)
        .log("connecting to the cluster at {} ({})", connection.view().server(), reason);
    return Optional.of(connection);
  }

  private static Path bundledPolicies() throws IOException {
    return PolicySources.bundled();
  }
}
