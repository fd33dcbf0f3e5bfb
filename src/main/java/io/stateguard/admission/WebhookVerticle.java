package io.stateguard.admission;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stateguard.audit.AuditEvents;
import io.stateguard.audit.AuditLog;
import io.stateguard.policy.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One instance of the HTTPS server: its routes and its listening socket. The webhook deploys one
 * per event loop; Vert.x shares the port between them and spreads connections across them.
 *
 * <p>Routes: {@code POST /validate}, {@code POST /mutate}, {@code GET /healthz}, {@code GET
 * /readyz}, {@code GET /metrics}. Everything else is 404; a wrong method 405.
 */
final class WebhookVerticle extends VerticleBase {

  /**
   * Longer than the API server's client keeps an idle connection (Go's 90 s), so the server never
   * closes a connection the client is about to send a request on.
   */
  static final int IDLE_TIMEOUT_SECONDS = 120;

  /** What every instance shares. */
  record Shared(
      ServeConfig config,
      LivePolicies policies,
      ClusterView view,
      WebhookMetrics metrics,
      PrometheusMeterRegistry registry,
      Readiness readiness,
      Supplier<ServingCertificate> certificate,
      WorkerExecutor evaluation,
      List<HttpServer> servers,
      AuditLog audit,
      AuditEvents auditEvents,
      PodGuard guard) {}

  private final Shared shared;
  private HttpServer server;

  WebhookVerticle(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    ServeConfig config = shared.config();
    Router router = Router.router(vertx);
    router.route().handler(this::timed);
    for (Endpoint endpoint : Endpoint.values()) {
      AdmissionHandler handler =
          new AdmissionHandler(
              endpoint,
              shared.policies(),
              shared.view(),
              shared.metrics(),
              shared.evaluation(),
              new AdmissionHandler.Audit(
                  shared.audit(), shared.auditEvents(), config.audit().durability()),
              endpoint == Endpoint.VALIDATE ? shared.guard() : null);
      router
          .route(endpoint.path())
          .handler(
              RequestGuards.method(HttpMethod.POST, "the API server POSTs an AdmissionReview here"))
          .handler(RequestGuards.json())
          .handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()))
          .handler(handler);
    }
    router
        .route("/healthz")
        .handler(RequestGuards.method(HttpMethod.GET, "use GET"))
        .handler(rc -> text(rc, 200, "ok\n"));
    router
        .route("/readyz")
        .handler(RequestGuards.method(HttpMethod.GET, "use GET"))
        .handler(this::ready);
    router
        .route("/metrics")
        .handler(RequestGuards.method(HttpMethod.GET, "use GET"))
        .handler(PrometheusScrapingHandler.create(shared.registry()));
    router.route().last().handler(rc -> RequestGuards.error(rc, 404, RequestGuards.notFound(rc)));
    router.route().failureHandler(rc -> RequestGuards.failure(rc, config.bodyLimit()));

    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setUseAlpn(false)
            .setKeyCertOptions(shared.certificate().get().sslOptions().getKeyCertOptions())
            .setEnabledSecureTransportProtocols(ServingCertificate.PROTOCOLS)
            .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setTcpKeepAlive(true)
            .setCompressionSupported(false)
            .setDecompressionSupported(false);
    // Port 0: Vert.x shares a random port among instances only when it is asked for as -1.
    int port = config.port() == 0 ? -1 : config.port();
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen(port, config.host()).onSuccess(shared.servers()::add);
  }

  /**
   * Stops accepting, lets in-flight requests finish within the grace period, then closes what is
   * left.
   */
  @Override
  public Future<?> stop() {
    long grace = shared.config().shutdownGrace().toMillis();
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(grace, TimeUnit.MILLISECONDS);
  }

  private void timed(RoutingContext rc) {
    long start = System.nanoTime();
    String endpoint = endpointLabel(rc.request().path());
    rc.addEndHandler(
        ar ->
            shared
                .metrics()
                .request(endpoint, rc.response().getStatusCode(), System.nanoTime() - start));
    rc.next();
  }

  private void ready(RoutingContext rc) {
    Readiness.Report report = shared.readiness().report();
    text(rc, report.ready() ? 200 : 503, report.text());
  }

  private static void text(RoutingContext rc, int status, String body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end(body);
  }

  /** The metric label of a path: one of the routes, or {@code other}. */
  static String endpointLabel(String path) {
    if (path == null) {
      return WebhookMetrics.OTHER;
    }
    return switch (path) {
      case "/validate" -> "validate";
      case "/mutate" -> "mutate";
      case "/healthz" -> "healthz";
      case "/readyz" -> "readyz";
      case "/metrics" -> "metrics";
      default -> WebhookMetrics.OTHER;
    };
  }
}
