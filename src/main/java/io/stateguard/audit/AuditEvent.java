package io.stateguard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One admission decision as a CloudEvents 1.0 event (structured mode, JSON). Immutable; built by
 * {@link AuditEvents}; {@link #toJson()} gives the bytes every sink writes. The schema is in {@code
 * docs/audit-events.md}.
 *
 * @param id the admission request's uid (a stable hash for reports); unique per {@code source}
 * @param source the CloudEvents source, {@link EventSource#uri()}
 * @param time when the decision was made
 * @param resource the object decided on
 * @param origin which face decided
 * @param operation the admission operation
 * @param subResource the subresource ({@code eviction}), or empty
 * @param user who asked
 * @param dryRun whether the request persists nothing
 * @param allowed the answer
 * @param findings every finding, enforced, warned and audited
 * @param warnings the warnings the response carried
 * @param patch the RFC 6902 JSON Patch the response carried, when there was one
 * @param exemption why enforcement was lifted (exempt user or break-glass reason), when it was
 * @param policyVersion the version of the policies that decided ({@code sha256:...})
 * @param latency how long the decision took
 */
public record AuditEvent(
    String id,
    String source,
    Instant time,
    Resource resource,
    Origin origin,
    Operation operation,
    String subResource,
    UserInfo user,
    boolean dryRun,
    boolean allowed,
    List<Finding> findings,
    List<String> warnings,
    Optional<JsonNode> patch,
    Optional<String> exemption,
    String policyVersion,
    Duration latency) {

  /** The CloudEvents {@code type} of every decision event. */
  public static final String TYPE = "io.stateguard.admission.decision.v1";

  /** The CloudEvents version this event follows. */
  public static final String SPEC_VERSION = "1.0";

  /** The media type of {@code data}. */
  public static final String DATA_CONTENT_TYPE = "application/json";

  /**
   * The prefix of the exemption text of a break-glass annotation, as the policy engine words it.
   */
  static final String BREAK_GLASS_PREFIX = "break-glass (";

  public AuditEvent {
    requireText(id, "id");
    requireText(source, "source");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(operation, "operation");
    subResource = subResource == null ? "" : subResource;
    Objects.requireNonNull(user, "user");
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(patch, "patch");
    if (patch.isPresent() && !patch.get().isArray()) {
      throw new IllegalArgumentException("a JSON Patch is an array of operations");
    }
    patch = patch.map(JsonNode::deepCopy);
    Objects.requireNonNull(exemption, "exemption");
    Objects.requireNonNull(policyVersion, "policyVersion");
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency cannot be negative: " + latency);
    }
  }

  /**
   * The object an event is about.
   *
   * @param group the API group, empty for the core group
   * @param version the API version ({@code v1})
   * @param kind the kind ({@code StatefulSet})
   * @param namespace the namespace, empty for cluster-scoped objects
   * @param name the name, empty when the API server generates it
   */
  public record Resource(String group, String version, String kind, String namespace, String name) {

    public Resource {
      Objects.requireNonNull(version, "version");
      requireText(kind, "kind");
      group = group == null ? "" : group;
      namespace = namespace == null ? "" : namespace;
      name = name == null ? "" : name;
    }

    /**
     * The CloudEvents {@code subject}: {@code group/version/kind/namespace/name}, always five
     * segments ({@code core} for the core group, an empty segment for no namespace), so it splits
     * on {@code /} without ambiguity: names and namespaces never hold a slash.
     */
    public String subject() {
      return (group.isEmpty() ? "core" : group) + "/" + version + "/" + kind + "/" + key();
    }

    /** {@code namespace/name}: the Kafka key, so one object's events stay in one partition. */
    public String key() {
      return namespace + "/" + name;
    }
  }

  /** This event with the warnings the response really carried (the webhook words them itself). */
  public AuditEvent withWarnings(List<String> sent) {
    return new AuditEvent(
        id,
        source,
        time,
        resource,
        origin,
        operation,
        subResource,
        user,
        dryRun,
        allowed,
        findings,
        sent,
        patch,
        exemption,
        policyVersion,
        latency);
  }

  /** This event with the JSON Patch the response carried; an empty array counts as none. */
  public AuditEvent withPatch(Optional<JsonNode> sent) {
    Optional<JsonNode> kept = sent.filter(p -> !p.isArray() || !p.isEmpty());
    return new AuditEvent(
        id,
        source,
        time,
        resource,
        origin,
        operation,
        subResource,
        user,
        dryRun,
        allowed,
        findings,
        warnings,
        kept,
        exemption,
        policyVersion,
        latency);
  }

  /** The CloudEvents {@code subject}. */
  public String subject() {
    return resource.subject();
  }

  /** The Kafka key: {@code namespace/name}. */
  public String key() {
    return resource.key();
  }

  /** The modes of the findings, strictest first, each once. */
  public List<Mode> modes() {
    return findings.stream().map(Finding::mode).distinct().sorted().toList();
  }

  /** Whether the exemption came from a break-glass annotation rather than from a policy. */
  public boolean breakGlass() {
    return exemption.map(e -> e.startsWith(BREAK_GLASS_PREFIX)).orElse(false);
  }

  /** The event as one line of JSON (no line breaks inside), UTF-8. */
  public byte[] toJson() {
    return EventJson.write(this);
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException("an audit event needs a non-blank " + what);
    }
  }
}
