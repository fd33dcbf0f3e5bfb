package io.stateguard.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.audit.AuditEvent;
import io.stateguard.audit.AuditEvents;
import io.stateguard.audit.Durability;
import io.stateguard.audit.EventSource;
import io.stateguard.audit.Origin;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The stages of the webhook's request path, one public method each, for the in-process benchmark
 * ({@code bench/RequestPathBenchmark}), which lives outside this package. Set up as {@code serve}
 * sets itself up: the shipped policies, every rule and mutation, no cluster, an audit event per
 * decision. Not thread-safe; one instance per measuring thread.
 */
public final class RequestStages {

  private final LivePolicies policies;
  private final AdmissionHandler validate;
  private final AuditEvents events;

  /** What the stages pass on to each other. */
  public record Decoded(AdmissionReview review, ReviewCodec.Request request) {}

  public RequestStages(Path shippedPolicies) throws Exception {
    policies = LivePolicies.load(shippedPolicies, Rules.all(), Mutations.all());
    events = new AuditEvents(new EventSource("default", "stateguard"), Clock.systemUTC());
    validate =
        new AdmissionHandler(
            Endpoint.VALIDATE,
            policies,
            ClusterView.empty(),
            new WebhookMetrics(new SimpleMeterRegistry()),
            null,
            new AdmissionHandler.Audit(null, events, Durability.ASYNC));
  }

  /** The body read into the model, and the request checked and turned into an Admission. */
  public Decoded decode(byte[] body) throws ReviewException {
    AdmissionReview review = ReviewCodec.decode(body);
    return new Decoded(review, ReviewCodec.request(review));
  }

  /** The policies' verdict on a decoded request. */
  public Verdict evaluate(Decoded decoded) {
    return policies.engine().evaluate(decoded.request().admission().orElseThrow(), view());
  }

  /** The encoded answer to a verdict. */
  public byte[] respond(Decoded decoded, Verdict verdict) {
    return ReviewCodec.encode(ReviewResponses.validation(decoded.request().uid(), verdict));
  }

  /** The audit event of a verdict, with the warnings as sent. */
  public AuditEvent event(Decoded decoded, Verdict verdict) {
    Admission admission = decoded.request().admission().orElseThrow();
    return events
        .decision(Origin.VALIDATE, admission, verdict, "sha256:0", Duration.ofNanos(123_456))
        .withWarnings(ReviewResponses.warnings(verdict));
  }

  /** The event's JSON line, as the audit writer makes it. */
  public byte[] eventJson(AuditEvent event) {
    return event.toJson();
  }

  /**
   * What the event loop does for one request of {@code /validate} (decode, decide, count, log,
   * answer, build the event), without the HTTP and TLS around it.
   */
  public Result handle(byte[] body) {
    AdmissionHandler.Answer answer = validate.answer(body);
    return new Result(answer.status(), answer.body(), answer.event());
  }

  /** A handled request: the status, the answer's bytes and the audit event. */
  public record Result(int status, byte[] body, AuditEvent event) {}

  private static ClusterView view() {
    return ClusterView.empty();
  }
}
