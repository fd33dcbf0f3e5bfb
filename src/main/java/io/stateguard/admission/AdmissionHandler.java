package io.stateguard.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Verdict;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code POST /validate} and {@code POST /mutate}: decodes the AdmissionReview, decides it
 * with {@link #processReview}, encodes the answer. Method, content type and size were checked by
 * the handlers before it ({@link RequestGuards}).
 *
 * <p>Threading: a body up to {@link #INLINE_LIMIT} bytes is decoded and decided on the event loop
 * (pure CPU work, well under a millisecond); a larger one on the worker pool, so that a big body
 * does not hold up the other connections of its event loop (docs/adr/0003). One instance serves one
 * endpoint for all verticles; it keeps no per-request state.
 */
final class AdmissionHandler implements Handler<RoutingContext> {

  private static final Logger LOGGER = LoggerFactory.getLogger(AdmissionHandler.class);

  /** Bodies up to this size are handled on the event loop (docs/adr/0003). */
  static final int INLINE_LIMIT = 64 * 1024;

  static final String ALLOWED = "allowed";
  static final String DENIED = "denied";
  static final String EXEMPT = "exempt";
  static final String PATCHED = "patched";
  static final String NOT_COVERED = "not_covered";

  private final Endpoint endpoint;
  private final LivePolicies policies;
  private final ClusterView view;
  private final WebhookMetrics metrics;
  private final WorkerExecutor worker;

  AdmissionHandler(
      Endpoint endpoint,
      LivePolicies policies,
      ClusterView view,
      WebhookMetrics metrics,
      WorkerExecutor worker) {
    this.endpoint = endpoint;
    this.policies = policies;
    this.view = view;
    this.metrics = metrics;
    this.worker = worker;
  }

  /** What to send back: a status, and a JSON review or a plain-text message. */
  record Answer(int status, byte[] body, boolean json) {
    static Answer review(AdmissionReview review) {
      return new Answer(200, ReviewCodec.encode(review), true);
    }

    static Answer error(int status, String message) {
      return new Answer(status, (message + "\n").getBytes(StandardCharsets.UTF_8), false);
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    Buffer buffer = rc.body().buffer();
    byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
    if (body.length <= INLINE_LIMIT) {
      send(rc, answer(body));
      return;
    }
    worker
        .executeBlocking(() -> answer(body), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                send(rc, ar.result());
              } else {
                rc.fail(ar.cause());
              }
            });
  }

  private static void send(RoutingContext rc, Answer answer) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    rc.response()
        .setStatusCode(answer.status())
        .putHeader("content-type", answer.json() ? "application/json" : "text/plain; charset=utf-8")
        .end(Buffer.buffer(answer.body()));
  }

  /** Decodes, decides and encodes; never throws for anything a client sends. */
  Answer answer(byte[] body) {
    AdmissionReview review;
    try {
      review = ReviewCodec.decode(body);
    } catch (ReviewException e) {
      LOGGER
          .atDebug()
          .addKeyValue("endpoint", endpoint.id())
          .addKeyValue("status", e.status())
          .log("rejected a request: {}", Texts.oneLine(e.getMessage()));
      return Answer.error(e.status(), e.getMessage());
    }
    try {
      return Answer.review(processReview(review));
    } catch (ReviewException e) {
      LOGGER
          .atDebug()
          .addKeyValue("endpoint", endpoint.id())
          .addKeyValue("status", e.status())
          .log("rejected a review: {}", Texts.oneLine(e.getMessage()));
      return Answer.error(e.status(), e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      // A defect in a rule must not take the server down; the API server applies the webhook's
      // failurePolicy to the 500.
      String uid = review.getRequest() == null ? "" : Texts.oneLine(review.getRequest().getUid());
      metrics.error(endpoint);
      LOGGER
          .atError()
          .addKeyValue("endpoint", endpoint.id())
          .addKeyValue("uid", uid)
          .setCause(e)
          .log("failed to decide a review");
      return Answer.error(
          500,
          "stateguard failed to decide request "
              + uid
              + " ("
              + e.getClass().getSimpleName()
              + "); the webhook's log has the details");
    }
  }

  /**
   * The response review to {@code review}, with the request's uid: on {@code /validate} the verdict
   * of the policies in force, on {@code /mutate} the patch of the mutations they turn on. Requests
   * nothing in the policies applies to are allowed and counted.
   *
   * @throws ReviewException (400) when the request lacks what every AdmissionReview carries
   */
  AdmissionReview processReview(AdmissionReview review) throws ReviewException {
    ReviewCodec.Request request = ReviewCodec.request(review);
    if (request.admission().isEmpty()) {
      return notCovered(request);
    }
    Admission admission = request.admission().get();
    PolicyEngine engine = policies.engine();
    if (endpoint == Endpoint.MUTATE) {
      return mutate(engine, request, admission);
    }
    Verdict verdict = engine.evaluate(admission, view);
    // A finding means some rule looked; only a clean verdict needs asking whether any did.
    if (verdict.findings().isEmpty() && !covered(engine, admission)) {
      return notCovered(request);
    }
    String decision = decision(verdict);
    metrics.review(endpoint, request.kind(), request.operation(), decision);
    for (Finding f : verdict.findings()) {
      metrics.finding(f, decision);
    }
    log(admission, verdict, decision);
    return ReviewResponses.validation(request.uid(), verdict);
  }

  /**
   * The answer of {@code /mutate}: the patch of the mutations the policies turn on for this object,
   * if they change anything. Only StatefulSet CREATEs and UPDATEs can be mutated ({@link
   * PolicyEngine#mutate}); other requests are counted as not covered.
   */
  private AdmissionReview mutate(
      PolicyEngine engine, ReviewCodec.Request request, Admission admission) {
    Operation op = admission.operation();
    if (engine.mutations().isEmpty()
        || (op != Operation.CREATE && op != Operation.UPDATE)
        || !"StatefulSet".equals(request.kind())) {
      return notCovered(request);
    }
    Mutated mutated = engine.mutate(admission, view);
    metrics.review(
        endpoint, request.kind(), request.operation(), mutated.changed() ? PATCHED : ALLOWED);
    mutated.applied().forEach(metrics::mutation);
    if (mutated.changed() && LOGGER.isInfoEnabled()) {
      LOGGER
          .atInfo()
          .addKeyValue("uid", Texts.oneLine(admission.uid()))
          .addKeyValue("object", Texts.oneLine(ObjectRef.of(admission.subject()).toString()))
          .addKeyValue("operation", admission.operation())
          .addKeyValue("dryRun", admission.dryRun())
          .addKeyValue("mutations", String.join(",", mutated.applied()))
          .log(
              "patched {} {}: {}",
              admission.operation(),
              Texts.oneLine(ObjectRef.of(admission.subject()).toString()),
              String.join(", ", mutated.applied()));
    }
    return ReviewResponses.mutation(request.uid(), mutated.patch());
  }

  /** Whether any rule of the policies in force looks at this admission. */
  private boolean covered(PolicyEngine engine, Admission admission) {
    Operation op = admission.operation();
    return (op == Operation.CREATE || op == Operation.UPDATE)
        && !engine.rulesFor(admission, view).isEmpty();
  }

  private AdmissionReview notCovered(ReviewCodec.Request request) {
    metrics.review(endpoint, request.kind(), request.operation(), NOT_COVERED);
    if (!LOGGER.isDebugEnabled()) {
      return ReviewResponses.allowed(request.uid());
    }
    LOGGER
        .atDebug()
        .addKeyValue("endpoint", endpoint.id())
        .addKeyValue("uid", Texts.oneLine(request.uid()))
        .addKeyValue("kind", Texts.oneLine(request.kind()))
        .addKeyValue("operation", request.operation())
        .log("allowed: no policy rule covers this request");
    return ReviewResponses.allowed(request.uid());
  }

  static String decision(Verdict verdict) {
    if (!verdict.allowed()) {
      return DENIED;
    }
    return verdict.violations().isEmpty() ? ALLOWED : EXEMPT;
  }

  /**
   * One line per decision: at INFO when it denied, was exempted, or has audit-mode findings (audit
   * mode exists to record them), else at DEBUG, so that a busy cluster's routine warnings do not
   * flood the log. Audit findings' messages are logged at INFO one by one; the other findings'
   * messages reached the user already and are logged at DEBUG.
   */
  private void log(Admission admission, Verdict verdict, String decision) {
    boolean audited = verdict.findings().stream().anyMatch(f -> f.mode() == Mode.AUDIT);
    boolean notable = !ALLOWED.equals(decision) || audited;
    if (notable ? LOGGER.isInfoEnabled() : LOGGER.isDebugEnabled()) {
      String object = Texts.oneLine(ObjectRef.of(admission.subject()).toString());
      (notable ? LOGGER.atInfo() : LOGGER.atDebug())
          .addKeyValue("uid", Texts.oneLine(admission.uid()))
          .addKeyValue("object", object)
          .addKeyValue("operation", admission.operation())
          .addKeyValue("user", Texts.oneLine(admission.user().username()))
          .addKeyValue("dryRun", admission.dryRun())
          .addKeyValue("decision", decision)
          .addKeyValue("enforced", rules(verdict, Mode.ENFORCE))
          .addKeyValue("warned", rules(verdict, Mode.WARN))
          .addKeyValue("audited", rules(verdict, Mode.AUDIT))
          .log(
              "{} {} {} with {} finding(s){}",
              decision,
              admission.operation(),
              object,
              verdict.findings().size(),
              verdict.exemption().map(e -> " (" + Texts.oneLine(e) + ")").orElse(""));
    }
    for (Finding f : verdict.findings()) {
      boolean audit = f.mode() == Mode.AUDIT;
      if (!(audit ? LOGGER.isInfoEnabled() : LOGGER.isDebugEnabled())) {
        continue;
      }
      (audit ? LOGGER.atInfo() : LOGGER.atDebug())
          .addKeyValue("uid", Texts.oneLine(admission.uid()))
          .addKeyValue("rule", f.rule())
          .addKeyValue("mode", f.mode().id())
          .addKeyValue("policy", f.policy())
          .log("finding: {}", Texts.oneLine(f.message()));
    }
  }

  private static String rules(Verdict verdict, Mode mode) {
    return verdict.findings().stream()
        .filter(f -> f.mode() == mode)
        .map(Finding::rule)
        .distinct()
        .collect(Collectors.joining(","));
  }
}
