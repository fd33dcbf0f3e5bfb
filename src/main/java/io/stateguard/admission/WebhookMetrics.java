package io.stateguard.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The webhook's own Prometheus metrics (Vert.x adds its HTTP, pool and JVM metrics beside them).
 *
 * <ul>
 *   <li>{@code stateguard_http_requests_total{endpoint,code}} and {@code
 *       stateguard_http_request_duration_seconds{endpoint}} (a histogram): every request;
 *   <li>{@code stateguard_admission_reviews_total{endpoint,kind,operation,decision}}: each answered
 *       review; decision is {@code allowed}, {@code denied}, {@code exempt} (allowed despite an
 *       enforced finding), {@code patched} (mutated) or {@code not_covered} (nothing the policies
 *       do applies to it);
 *   <li>{@code stateguard_admission_findings_total{rule,mode,decision}}: each finding, with the
 *       decision on its request;
 *   <li>{@code stateguard_admission_mutations_total{mutation}}: each mutation that changed an
 *       object on {@code /mutate};
 *   <li>{@code stateguard_admission_errors_total{endpoint}}: reviews that failed inside the webhook
 *       (answered 500);
 *   <li>{@code stateguard_admission_scales_not_judged_total{reason}}: StatefulSet scale requests
 *       allowed unjudged because the cluster view could not give the stored set ({@link
 *       ScaleReviews.NotJudged}); each is also a {@code not_covered} review;
 *   <li>{@code stateguard_policy_reloads_total{result}} and {@code
 *       stateguard_certificate_reloads_total{result}}: {@code success} or {@code failure}.
 * </ul>
 *
 * <p>Label values a client controls (the kind) are bounded: past {@link #MAX_KINDS} distinct kinds,
 * or for a kind that is not a Kubernetes kind name, the label reads {@code other}, so no request
 * can grow the registry without limit. Thread-safe.
 */
final class WebhookMetrics {

  static final int MAX_KINDS = 32;
  static final String OTHER = "other";

  private static final Pattern KIND = Pattern.compile("[A-Z][A-Za-z0-9]{0,62}");

  private final MeterRegistry registry;
  private final Set<String> kinds = ConcurrentHashMap.newKeySet();

  // Meters by their labels: looked up once, then reused, since a registry lookup builds and
  // compares tag lists on every call, on the request path. The meters counted on every request
  // have keys of their own, so that finding one builds no list and no label text.
  private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
  private final Map<ReviewKey, Counter> reviews = new ConcurrentHashMap<>();
  private final Map<FindingKey, Counter> findings = new ConcurrentHashMap<>();

  private record RequestKey(String endpoint, int status) {}

  private record ReviewKey(Endpoint endpoint, String kind, Operation operation, String decision) {}

  private record FindingKey(String rule, Mode mode, String decision) {}

  WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    // Present from the start, so a scrape shows them at zero before anything happens.
    for (String result : new String[] {"success", "failure"}) {
      registry.counter("stateguard_policy_reloads_total", "result", result);
      registry.counter("stateguard_certificate_reloads_total", "result", result);
    }
  }

  MeterRegistry registry() {
    return registry;
  }

  /** One HTTP request to {@code endpoint} answered with {@code status} after {@code elapsed}. */
  void request(String endpoint, int status, long elapsedNanos) {
    requests
        .computeIfAbsent(
            new RequestKey(endpoint, status),
            k ->
                counter(
                    "stateguard_http_requests_total", "endpoint", endpoint, "code", code(status)))
        .increment();
    timers
        .computeIfAbsent(
            endpoint,
            e ->
                Timer.builder("stateguard_http_request_duration_seconds")
                    .description("Time from the request's arrival to the end of its response")
                    .tag("endpoint", e)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry))
        .record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** One review answered. */
  void review(Endpoint endpoint, String kind, Operation operation, String decision) {
    String label = kindLabel(kind);
    reviews
        .computeIfAbsent(
            new ReviewKey(endpoint, label, operation, decision),
            k ->
                counter(
                    "stateguard_admission_reviews_total",
                    "endpoint",
                    endpoint.id(),
                    "kind",
                    label,
                    "operation",
                    operation.name(),
                    "decision",
                    decision))
        .increment();
  }

  /** One finding on a request that was {@code decision}. */
  void finding(Finding finding, String decision) {
    findings
        .computeIfAbsent(
            new FindingKey(finding.rule(), finding.mode(), decision),
            k ->
                counter(
                    "stateguard_admission_findings_total",
                    "rule",
                    k.rule(),
                    "mode",
                    k.mode().id(),
                    "decision",
                    decision))
        .increment();
  }

  /** One mutation that changed an object. */
  void mutation(String id) {
    counter("stateguard_admission_mutations_total", "mutation", id).increment();
  }

  /** One StatefulSet scale allowed without being judged, and why. */
  void scaleNotJudged(ScaleReviews.NotJudged reason) {
    counter("stateguard_admission_scales_not_judged_total", "reason", reason.label()).increment();
  }

  void error(Endpoint endpoint) {
    counter("stateguard_admission_errors_total", "endpoint", endpoint.id()).increment();
  }

  void policyReload(boolean success) {
    counter("stateguard_policy_reloads_total", success).increment();
  }

  void certificateReload(boolean success) {
    counter("stateguard_certificate_reloads_total", success).increment();
  }

  private Counter counter(String name, boolean success) {
    return counter(name, "result", success ? "success" : "failure");
  }

  /** The counter {@code name} with {@code tags} (name, value, ...), registered on first use. */
  private Counter counter(String name, String... tags) {
    List<String> key = new ArrayList<>(tags.length + 1);
    key.add(name);
    key.addAll(Arrays.asList(tags));
    return counters.computeIfAbsent(key, k -> registry.counter(name, tags));
  }

  /** The kind as a label value: bounded in number and shape. */
  String kindLabel(String kind) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      return OTHER;
    }
    if (kinds.contains(kind)) {
      return kind;
    }
    if (kinds.size() >= MAX_KINDS) {
      return OTHER;
    }
    kinds.add(kind);
    return kind;
  }

  private static String code(int status) {
    return Integer.toString(status);
  }
}
