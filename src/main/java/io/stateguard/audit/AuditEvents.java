package io.stateguard.audit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes the audit event of each decision: one per admission, stamped with this emitter's source and
 * the clock's time. Thread-safe.
 */
public final class AuditEvents {

  private final EventSource source;
  private final Clock clock;

  public AuditEvents(EventSource source, Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The event of one decision. Its warnings are the verdict's warn-mode findings as {@code [rule]
   * message}; a webhook that words them otherwise sets what it sent with {@link
   * AuditEvent#withWarnings}, and a patch with {@link AuditEvent#withPatch}.
   *
   * @param origin which face decided
   * @param admission the request
   * @param verdict the decision
   * @param policyVersion the version of the policies that decided
   * @param latency from receiving the request to the decision
   */
  public AuditEvent decision(
      Origin origin, Admission admission, Verdict verdict, String policyVersion, Duration latency) {
    HasMetadata subject = admission.subject();
    return new AuditEvent(
        admission.uid(),
        source.uri(),
        clock.instant(),
        resource(admission, subject),
        origin,
        admission.operation(),
        admission.subResource(),
        admission.user(),
        admission.dryRun(),
        verdict.allowed(),
        verdict.findings(),
        verdict.warnings().stream().map(AuditEvents::warning).toList(),
        Optional.empty(),
        verdict.exemption(),
        policyVersion,
        latency);
  }

  private static String warning(Finding f) {
    return "[" + f.rule() + "] " + f.message();
  }

  /**
   * Names the object from the request, falling back on the object's own metadata; group and version
   * come from the object's apiVersion, or from its model class when it carries none.
   */
  static AuditEvent.Resource resource(Admission admission, HasMetadata subject) {
    String apiVersion = subject.getApiVersion();
    if (apiVersion == null || apiVersion.isBlank()) {
      apiVersion = HasMetadata.getApiVersion(subject.getClass());
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    String namespace = admission.namespace();
    String name = admission.name();
    if (subject.getMetadata() != null) {
      if (namespace.isEmpty() && subject.getMetadata().getNamespace() != null) {
        namespace = subject.getMetadata().getNamespace();
      }
      if (name.isEmpty() && subject.getMetadata().getName() != null) {
        name = subject.getMetadata().getName();
      }
    }
    return new AuditEvent.Resource(group, version, admission.kind(), namespace, name);
  }
}
