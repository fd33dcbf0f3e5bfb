package io.stateguard.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.stateguard.audit.AuditEvent;
import io.stateguard.audit.AuditEvents;
import io.stateguard.audit.AuditLog;
import io.stateguard.audit.Durability;
import io.stateguard.audit.Origin;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Verdict;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>Audit: every decision (allowed or not, dry run or not) becomes one audit event, carrying the
 * warnings and the patch actually sent. The response goes out first and the event is handed to the
 * audit log after it, so the stream is never on the request path; only with {@code
 * audit.durability=sync} does the response wait until the event is on disk.
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
  private final Audit audit;
  private final PodGuard guard;

  /**
   * Where decisions are recorded.
   *
   * @param log the audit log events are handed to
   * @param events makes the event of a decision
   * @param durability whether a response waits for its event to be on disk
   */
  record Audit(AuditLog log, AuditEvents events, Durability durability) {}

  /** A handler that records no audit events (tests of the decisions alone). */
  AdmissionHandler(
      Endpoint endpoint,
      LivePolicies policies,
      ClusterView view,
      WebhookMetrics metrics,
      WorkerExecutor worker) {
    this(endpoint, policies, view, metrics, worker, null);
  }

  AdmissionHandler(
      Endpoint endpoint,
      LivePolicies policies,
      ClusterView view,
      WebhookMetrics metrics,
      WorkerExecutor worker,
      Audit audit) {
    this(endpoint, policies, view, metrics, worker, audit, null);
  }

  /**
   * @param guard decides Pod DELETE and pods/eviction reviews on {@code /validate} with the
   *     disruption ledger; null when serve has no API server to keep the ledger in (those reviews
   *     are then not covered)
   */
  AdmissionHandler(
      Endpoint endpoint,
      LivePolicies policies,
      ClusterView view,
      WebhookMetrics metrics,
      WorkerExecutor worker,
      Audit audit,
      PodGuard guard) {
    this.guard = guard;
    this.endpoint = endpoint;
    this.policies = policies;
    this.view = view;
    this.metrics = metrics;
    this.worker = worker;
    this.audit = audit;
  }

  /**
   * What to send back: a status, and a JSON review or a plain-text message; for a decision, its
   * audit event (null for errors, or when nothing is recorded). A decision that waits on the API
   * server (the quorum guard) is an answer {@code later}, and nothing else.
   */
  record Answer(
      int status, byte[] body, boolean json, AuditEvent event, CompletionStage<Answer> later) {
    Answer(int status, byte[] body, boolean json, AuditEvent event) {
      this(status, body, json, event, null);
    }

    static Answer review(Decided decided) {
      if (decided.later() != null) {
        return new Answer(0, null, true, null, decided.later().thenApply(Answer::review));
      }
      return new Answer(200, ReviewCodec.encode(decided.review()), true, decided.event());
    }

    static Answer error(int status, String message) {
      return new Answer(status, (message + "\n").getBytes(StandardCharsets.UTF_8), false, null);
    }
  }

  /**
   * A decision: the response review, and its audit event (null when nothing is recorded); or, for a
   * decision that waits on the API server, only the stage that gives it {@code later}.
   */
  record Decided(AdmissionReview review, AuditEvent event, CompletionStage<Decided> later) {
    Decided(AdmissionReview review, AuditEvent event) {
      this(review, event, null);
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    long received = System.nanoTime();
    Buffer buffer = rc.body().buffer();
    byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
    if (body.length <= INLINE_LIMIT) {
      deliver(rc, answer(body, received));
      return;
    }
    worker
        .executeBlocking(() -> answer(body, received), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                deliver(rc, ar.result());
              } else {
                rc.fail(ar.cause());
              }
            });
  }

  /**
   * Sends the answer and records its event: after the response in {@code async} durability; in
   * {@code sync}, once the event is on disk. An event that could not be kept was already counted
   * and logged by the audit log (the log line is the record of last resort); the response is sent
   * all the same, since refusing it would turn an audit disk problem into a cluster outage.
   */
  private void deliver(RoutingContext rc, Answer answer) {
    if (answer.later() != null) {
      // Completed on the guard's threads; the response goes out on this event loop.
      Context context = Vertx.currentContext();
      answer
          .later()
          .whenComplete(
              (done, failed) ->
                  context.runOnContext(
                      v -> {
                        if (failed != null) {
                          rc.fail(failed);
                        } else {
                          deliver(rc, done);
                        }
                      }));
      return;
    }
    AuditEvent event = answer.event();
    if (event == null || audit == null) {
      send(rc, answer);
      return;
    }
    if (audit.durability() != Durability.SYNC) {
      // Queued (not delivered: that is the writer's) before the response goes: once the last
      // response has ended, a shutdown closes the audit log from another thread, and an event
      // queued after the response could find it closed and be dropped.
      audit.log().record(event);
      send(rc, answer);
      return;
    }
    Context context = Vertx.currentContext();
    audit
        .log()
        .record(event)
        .whenComplete(
            (ok, failed) -> {
              if (failed != null) {
                LOGGER
                    .atWarn()
                    .addKeyValue("uid", Texts.oneLine(event.id()))
                    .log(
                        "answering without the audit event on disk: {}",
                        Texts.oneLine(String.valueOf(failed.getMessage())));
              }
              // The audit writer completes the stage; the response goes out on the event loop.
              context.runOnContext(v -> send(rc, answer));
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
    return answer(body, System.nanoTime());
  }

  /** As {@link #answer(byte[])}, for a request received at {@code received} (nano time). */
  Answer answer(byte[] body, long received) {
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
      return Answer.review(decide(review, received));
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
    Decided decided = decide(review, System.nanoTime());
    // Tests only: a guard decision is waited for here, never on an event loop.
    return decided.later() == null
        ? decided.review()
        : decided.later().toCompletableFuture().join().review();
  }

  /**
   * As {@link #processReview}, with the decision's audit event; {@code received} is when the
   * request arrived ({@link System#nanoTime()}), for the event's latency.
   */
  Decided decide(AdmissionReview review, long received) throws ReviewException {
    // A StatefulSet scale is decided as the UPDATE of the stored set it amounts to (ScaleReviews).
    ScaleReviews.Translated scale =
        ScaleReviews.translate(
            endpoint, review.getRequest(), ReviewCodec.request(review), view, metrics);
    ReviewCodec.Request request = scale.request();
    if (request.admission().isEmpty()) {
      // Nothing decodable to name the event after (a kind the model does not know): counted only.
      return new Decided(notCovered(request), null);
    }
    Admission admission = request.admission().get();
    LivePolicies.Snapshot snapshot = policies.current();
    PolicyEngine engine = snapshot.engine();
    if (scale.answer().isPresent()) {
      AdmissionReview answer = scale.answer().get();
      return new Decided(
          answer, event(admission, Verdict.allow(), answer, snapshot.version(), received));
    }
    if (endpoint == Endpoint.MUTATE) {
      return mutate(engine, request, admission, snapshot.version(), received);
    }
    if (guard != null && PodGuard.covers(admission)) {
      CompletionStage<Decided> later =
          guard
              .decide(admission, engine, view)
              .thenApply(
                  d ->
                      d.verdict().covered()
                          ? validated(request, admission, d.verdict().verdict(), snapshot, received)
                          : notCovered(request, admission, snapshot, received));
      return new Decided(null, null, later);
    }
    Verdict verdict = engine.evaluate(admission, view);
    // A finding means some rule looked; only a clean verdict needs asking whether any did.
    if (verdict.findings().isEmpty() && !covered(engine, admission)) {
      return notCovered(request, admission, snapshot, received);
    }
    return validated(request, admission, verdict, snapshot, received);
  }

  private Decided notCovered(
      ReviewCodec.Request request,
      Admission admission,
      LivePolicies.Snapshot snapshot,
      long received) {
    AdmissionReview answer = notCovered(request);
    return new Decided(
        answer, event(admission, Verdict.allow(), answer, snapshot.version(), received));
  }

  /** The answer to a review some rule looked at: counted, logged, recorded. */
  private Decided validated(
      ReviewCodec.Request request,
      Admission admission,
      Verdict verdict,
      LivePolicies.Snapshot snapshot,
      long received) {
    String decision = decision(verdict);
    metrics.review(endpoint, request.kind(), request.operation(), decision);
    for (Finding f : verdict.findings()) {
      metrics.finding(f, decision);
    }
    log(admission, verdict, decision);
    AdmissionReview answer = ReviewResponses.validation(request.uid(), verdict);
    return new Decided(answer, event(admission, verdict, answer, snapshot.version(), received));
  }

  /**
   * The audit event of a decision, with the warnings and the patch as sent in {@code answer}; null
   * when this handler records nothing.
   */
  private AuditEvent event(
      Admission admission,
      Verdict verdict,
      AdmissionReview answer,
      String policyVersion,
      long received) {
    if (audit == null) {
      return null;
    }
    Duration latency = Duration.ofNanos(Math.max(0, System.nanoTime() - received));
    Origin origin = endpoint == Endpoint.MUTATE ? Origin.MUTATE : Origin.VALIDATE;
    AdmissionResponse response = answer.getResponse();
    List<String> warnings =
        response.getWarnings() == null ? List.of() : List.copyOf(response.getWarnings());
    return audit
        .events()
        .decision(origin, admission, verdict, policyVersion, latency)
        .withWarnings(warnings);
  }

  /**
   * The answer of {@code /mutate}: the patch of the mutations the policies turn on for this object,
   * if they change anything. Only StatefulSet CREATEs and UPDATEs can be mutated ({@link
   * PolicyEngine#mutate}); other requests are counted as not covered.
   */
  private Decided mutate(
      PolicyEngine engine,
      ReviewCodec.Request request,
      Admission admission,
      String policyVersion,
      long received) {
    Operation op = admission.operation();
    if (engine.mutations().isEmpty()
        || (op != Operation.CREATE && op != Operation.UPDATE)
        || !"StatefulSet".equals(request.kind())) {
      AdmissionReview answer = notCovered(request);
      return new Decided(
          answer, event(admission, Verdict.allow(), answer, policyVersion, received));
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
    AdmissionReview answer = ReviewResponses.mutation(request.uid(), mutated.patch());
    AuditEvent event = event(admission, Verdict.allow(), answer, policyVersion, received);
    if (event != null && mutated.changed()) {
      event = event.withPatch(Optional.of(mutated.patch().json()));
    }
    return new Decided(answer, event);
  }

  /** Whether any rule of the policies in force looks at this admission. */
  private boolean covered(PolicyEngine engine, Admission admission) {
    Operation op = admission.operation();
    return (op == Operation.CREATE || op == Operation.UPDATE || op == Operation.DELETE)
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
