package io.stateguard.admission;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stateguard.audit.AuditConfigException;
import io.stateguard.audit.AuditEvents;
import io.stateguard.audit.AuditLog;
import io.stateguard.audit.AuditStatus;
import io.stateguard.cluster.InformerClusterView;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyProblem;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.Rule;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running admission webhook: the HTTPS server on one event loop per instance, the policies in
 * force and their file watch, the serving certificate and its file watch, metrics and readiness.
 *
 * <p>{@link #start} and {@link #close} block the calling thread (the CLI's main thread, or a
 * test's) until the server listens or has stopped; never call them from an event loop.
 */
public final class Webhook implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(Webhook.class);

  /** Registry names are global in Vert.x's metrics: one per webhook, so tests can run several. */
  private static final AtomicInteger REGISTRY_IDS = new AtomicInteger();

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final ServeConfig config;
  private final String deployment;
  private final List<HttpServer> servers;
  private final List<Long> timers;
  private final List<WorkerExecutor> workers;
  private final Readiness readiness;
  private final LivePolicies policies;
  private final CertificateWatcher certificates;
  private final PrometheusMeterRegistry registry;
  private final AuditLog audit;
  private final PodGuard guard;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Webhook(
      Vertx vertx,
      ServeConfig config,
      String deployment,
      List<HttpServer> servers,
      List<Long> timers,
      List<WorkerExecutor> workers,
      Readiness readiness,
      LivePolicies policies,
      CertificateWatcher certificates,
      PrometheusMeterRegistry registry,
      AuditLog audit,
      PodGuard guard) {
    this.guard = guard;
    this.vertx = vertx;
    this.audit = audit;
    this.config = config;
    this.deployment = deployment;
    this.servers = servers;
    this.timers = timers;
    this.workers = workers;
    this.readiness = readiness;
    this.policies = policies;
    this.certificates = certificates;
    this.registry = registry;
  }

  /** Starting failed: what was wrong, in words for the person starting the server. */
  public static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Loads the policies of {@code policySource} and the certificate files of {@code config}, then
   * listens. Returns once the server accepts connections and is ready.
   *
   * @param config how to run; its certificate files must be set
   * @param policySource the policies' folder or file (the shipped ones when the user names none)
   * @param rules the rules policies may configure
   * @param mutations the mutations policies may turn on
   * @param view what rules see of the rest of the cluster; an {@link InformerClusterView} also
   *     makes {@code /readyz} wait for its caches and {@code /metrics} show their staleness
   * @param auditStdout where the audit stream's standard-output sink writes, when it is on
   * @throws StartException naming what is wrong: bad policies (every problem), unusable certificate
   *     files, an unusable audit file or spool folder, a port in use
   */
  public static Webhook start(
      ServeConfig config,
      Path policySource,
      List<Rule> rules,
      List<Mutation> mutations,
      ClusterView view,
      OutputStream auditStdout)
      throws StartException {
    return start(config, policySource, rules, mutations, view, Optional.empty(), auditStdout);
  }

  /**
   * As {@link #start(ServeConfig, Path, List, List, ClusterView, OutputStream)}, with the API
   * server that the quorum guard keeps its disruption ledger in: with it, Pod DELETE and
   * pods/eviction reviews are decided by the guard; without it they are not covered.
   */
  public static Webhook start(
      ServeConfig config,
      Path policySource,
      List<Rule> rules,
      List<Mutation> mutations,
      ClusterView view,
      Optional<KubernetesClient> cluster,
      OutputStream auditStdout)
      throws StartException {
    return start(
        config, policySource, rules, mutations, view, cluster, auditStdout, Clock.systemUTC());
  }

  static Webhook start(
      ServeConfig config,
      Path policySource,
      List<Rule> rules,
      List<Mutation> mutations,
      ClusterView view,
      OutputStream auditStdout,
      Clock clock)
      throws StartException {
    return start(
        config, policySource, rules, mutations, view, Optional.empty(), auditStdout, clock);
  }

  static Webhook start(
      ServeConfig config,
      Path policySource,
      List<Rule> rules,
      List<Mutation> mutations,
      ClusterView view,
      Optional<KubernetesClient> cluster,
      OutputStream auditStdout,
      Clock clock)
      throws StartException {
    if (!config.hasCertificateFiles()) {
      throw new IllegalArgumentException("the certificate files must be set before start");
    }
    long started = System.nanoTime();
    LivePolicies policies;
    String policyFiles;
    try {
      // Taken before loading: a change made while loading is then seen as a change.
      policyFiles = watchable(policySource) ? Fingerprint.of(List.of(policySource)) : null;
      policies = LivePolicies.load(policySource, rules, mutations);
    } catch (IOException e) {
      throw new StartException("cannot read the policies in " + policySource + ": " + e, e);
    } catch (PolicyException e) {
      throw new StartException(
          "the policies in "
              + policySource
              + " cannot be loaded:\n"
              + e.problems().stream()
                  .map(PolicyProblem::toString)
                  .collect(Collectors.joining("\n  ", "  ", "")),
          e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String registryName = "stateguard-" + REGISTRY_IDS.incrementAndGet();
    MicrometerMetricsOptions metricsOptions =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName(registryName)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            // The webhook counts and times its own requests per endpoint; Vert.x's per-request
            // and per-connection meters would measure the same again on every request.
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            .addDisabledMetricsCategory(MetricsDomain.NET_SERVER);
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metricsOptions))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    AuditLog audit;
    try {
      // Audit meters on the webhook's registry (/metrics). The Kafka producer runs on a Vert.x
      // instance of the audit log's own: vertx-kafka-client completes every send on an event
      // loop of the instance it is given, and the webhook's event loops answer admissions.
      audit = AuditLog.start(config.audit(), null, registry, auditStdout);
    } catch (AuditConfigException e) {
      closeQuietly(vertx);
      throw new StartException(e.getMessage(), e);
    }
    try {
      return start(
          config, policies, policyFiles, view, cluster, clock, vertx, registry, audit, started);
    } catch (StartException | RuntimeException e) {
      closeAudit(audit, config);
      closeQuietly(vertx);
      throw e;
    }
  }

  private static Webhook start(
      ServeConfig config,
      LivePolicies policies,
      String policyFiles,
      ClusterView view,
      Optional<KubernetesClient> cluster,
      Clock clock,
      Vertx vertx,
      PrometheusMeterRegistry registry,
      AuditLog audit,
      long started)
      throws StartException {
    Path certFile = config.tlsCert().orElseThrow();
    Path keyFile = config.tlsKey().orElseThrow();
    WebhookMetrics metrics = new WebhookMetrics(registry);
    CertificateWatcher certificates;
    PolicyWatcher policyWatcher;
    try {
      String certFiles = Fingerprint.of(List.of(certFile, keyFile));
      ServingCertificate certificate = ServingCertificate.read(certFile, keyFile, vertx, clock);
      certificates =
          new CertificateWatcher(certFile, keyFile, certificate, certFiles, vertx, clock, metrics);
    } catch (IOException e) {
      throw new StartException(e.getMessage(), e);
    }
    policyWatcher = policyFiles == null ? null : new PolicyWatcher(policies, policyFiles, metrics);
    Readiness readiness = new Readiness();
    // Both were loaded before the server listens; a certificate can still expire while it runs.
    readiness.add("certificates", () -> certificates.current().expired(clock.instant()));
    readiness.add("policies", () -> Optional.empty());
    // Shown, but never a reason to be unready: a degraded stream still keeps every event (in the
    // spool, or logged when dropped), while an unready webhook would fail or skip admissions
    // cluster-wide (failurePolicy) — the audit sink must not become the control plane's outage.
    readiness.addInformational("audit", () -> auditState(audit.status()));
    if (view instanceof InformerClusterView informers) {
      // Not ready until the caches have synced: before that, cross-object rules would judge
      // against an empty cluster.
      ClusterCaches.register(informers, readiness, registry);
    }

    WorkerExecutor evaluation =
        vertx.createSharedWorkerExecutor(
            "stateguard-evaluation", Math.max(1, config.instances()), 10, TimeUnit.SECONDS);
    WorkerExecutor files = vertx.createSharedWorkerExecutor("stateguard-files", 1);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    // The quorum guard's own threads: its decisions block on API server calls.
    PodGuard guard =
        cluster
            .map(
                client ->
                    new PodGuard(
                        client,
                        config.podGuard(),
                        clock,
                        registry,
                        Math.max(4, config.instances())))
            .orElse(null);
    if (guard == null) {
      LOGGER
          .atWarn()
          .log(
              "no API server: pod deletes and evictions are not checked by the quorum guard (it"
                  + " keeps its disruption ledger there); connect with --kubeconfig or in a pod");
    }
    WebhookVerticle.Shared shared =
        new WebhookVerticle.Shared(
            config,
            policies,
            view,
            metrics,
            registry,
            readiness,
            certificates::current,
            evaluation,
            servers,
            audit,
            new AuditEvents(config.audit().source(), clock),
            guard);
    Warmup.run(policies, view);
    String deployment;
    try {
      deployment =
          await(
              vertx.deployVerticle(
                  () -> new WebhookVerticle(shared),
                  new DeploymentOptions().setInstances(config.instances())),
              START_TIMEOUT);
    } catch (ExecutionException e) {
      if (guard != null) {
        guard.close();
      }
      throw new StartException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + message(e.getCause()),
          e.getCause());
    }

    long interval = config.watchInterval().toMillis();
    List<Long> timers = new CopyOnWriteArrayList<>();
    timers.add(
        vertx.setPeriodic(
            interval,
            id ->
                files
                    .executeBlocking(certificates::read, true)
                    .compose(
                        next ->
                            next == null
                                ? Future.succeededFuture(false)
                                : certificates.apply(
                                    next, () -> servers.isEmpty() ? null : servers.get(0)))));
    if (policyWatcher != null) {
      timers.add(
          vertx.setPeriodic(interval, id -> files.executeBlocking(policyWatcher::check, true)));
    }
    Webhook webhook =
        new Webhook(
            vertx,
            config,
            deployment,
            servers,
            timers,
            List.of(evaluation, files),
            readiness,
            policies,
            certificates,
            registry,
            audit,
            guard);
    ServingCertificate cert = certificates.current();
    LOGGER
        .atInfo()
        .addKeyValue("host", config.host())
        .addKeyValue("port", webhook.port())
        .addKeyValue("instances", config.instances())
        .addKeyValue("policies", policies.source())
        .addKeyValue("version", policies.current().version())
        .addKeyValue("certificate", certFile)
        .addKeyValue("fingerprint", cert.fingerprint())
        .addKeyValue("notAfter", cert.leaf().getNotAfter().toInstant())
        .addKeyValue("startMillis", (System.nanoTime() - started) / 1_000_000)
        .log("stateguard webhook ready on https://{}:{}", config.host(), webhook.port());
    return webhook;
  }

  /** The audit stream's state for {@code /readyz}: {@code ok}, or degraded and why. */
  static String auditState(AuditStatus status) {
    if (!status.degraded()) {
      return "ok";
    }
    StringBuilder out = new StringBuilder("degraded (events kept in the spool or logged): ");
    out.append(String.join("; ", status.problems()));
    status.oldestSpooled().ifPresent(age -> out.append("; oldest spooled ").append(age));
    return Texts.oneLine(out.toString());
  }

  /** Files in the default file system; the shipped policies inside the jar never change. */
  private static boolean watchable(Path source) {
    return source != null && source.getFileSystem() == FileSystems.getDefault();
  }

  /** The port the server listens on (the one picked when the configuration said 0). */
  public int port() {
    return servers.isEmpty() ? config.port() : servers.get(0).actualPort();
  }

  public Readiness readiness() {
    return readiness;
  }

  /** The policies in force. */
  public LivePolicies policies() {
    return policies;
  }

  /** The fingerprint of the serving certificate in force ({@code sha256:...}). */
  public String certificateFingerprint() {
    return certificates.current().fingerprint();
  }

  /** The metrics registry behind {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Stops gracefully: not ready from now on, no new connections, in-flight requests get the grace
   * period of the configuration to finish, then everything is closed. Blocks until done.
   */
  @Override
  public void close() {
    shutdown(config.shutdownGrace());
  }

  /** As {@link #close()}, with {@code grace} for in-flight requests. */
  public void shutdown(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    readiness.drain();
    for (Long timer : timers) {
      vertx.cancelTimer(timer);
    }
    LOGGER
        .atInfo()
        .addKeyValue("graceMillis", grace.toMillis())
        .log("stopping: no new connections, finishing requests in flight");
    Duration limit = grace.plusSeconds(5);
    try {
      await(vertx.undeploy(deployment), limit);
    } catch (ExecutionException | StartException e) {
      LOGGER.atWarn().log("the server did not stop cleanly: {}", message(e));
    }
    for (WorkerExecutor worker : workers) {
      worker.close();
    }
    if (guard != null) {
      guard.close();
    }
    // After the last response (no event can come after it), before Vert.x: Kafka runs on it.
    closeAudit(audit, config);
    closeQuietly(vertx);
    LOGGER.atInfo().addKeyValue("millis", (System.nanoTime() - started) / 1_000_000).log("stopped");
  }

  /** Delivers or spools, then flushes, every audit event still held. */
  private static void closeAudit(AuditLog audit, ServeConfig config) {
    try {
      audit
          .close()
          .toCompletableFuture()
          .get(config.audit().closeTimeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOGGER.atWarn().log("interrupted while closing the audit log");
    } catch (ExecutionException | TimeoutException e) {
      LOGGER.atWarn().log("the audit log did not close cleanly: {}", message(e));
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      await(vertx.close(), Duration.ofSeconds(10));
    } catch (ExecutionException | StartException e) {
      LOGGER.atWarn().log("Vert.x did not close cleanly: {}", message(e));
    }
  }

  private static <T> T await(Future<T> future, Duration timeout)
      throws ExecutionException, StartException {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted", e);
    } catch (TimeoutException e) {
      throw new StartException("timed out after " + timeout.toSeconds() + " s", e);
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
