package io.stateguard.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.io.IOException;
import java.time.temporal.ChronoUnit;

/**
 * The JSON form of {@link AuditEvent}: CloudEvents 1.0 structured mode. Field order is fixed so
 * events read the same everywhere. Thread-safe.
 */
final class EventJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EventJson() {}

  static byte[] write(AuditEvent event) {
    try {
      return JSON.writeValueAsBytes(tree(event));
    } catch (JsonProcessingException e) {
      // Only trees of plain nodes are written; nothing here can fail to serialize.
      throw new IllegalStateException("cannot write audit event " + event.id(), e);
    }
  }

  /** Reads one event's JSON back as a tree (for logs and tests). */
  static JsonNode read(byte[] json) throws IOException {
    return JSON.readTree(json);
  }

  static ObjectNode tree(AuditEvent event) {
    ObjectNode root = JSON.createObjectNode();
    root.put("specversion", AuditEvent.SPEC_VERSION);
    root.put("id", event.id());
    root.put("source", event.source());
    root.put("type", AuditEvent.TYPE);
    root.put("subject", event.subject());
    // RFC 3339 in UTC; microseconds are plenty and keep every event the same width.
    root.put("time", event.time().truncatedTo(ChronoUnit.MICROS).toString());
    root.put("datacontenttype", AuditEvent.DATA_CONTENT_TYPE);
    root.set("data", data(event));
    return root;
  }

  private static ObjectNode data(AuditEvent event) {
    ObjectNode data = JSON.createObjectNode();
    data.put("origin", event.origin().id());
    data.put("operation", event.operation().name());
    if (!event.subResource().isEmpty()) {
      data.put("subResource", event.subResource());
    }
    AuditEvent.Resource r = event.resource();
    ObjectNode object = data.putObject("object");
    object.put("group", r.group());
    object.put("version", r.version());
    object.put("kind", r.kind());
    object.put("namespace", r.namespace());
    object.put("name", r.name());
    ObjectNode user = data.putObject("user");
    user.put("username", event.user().username());
    ArrayNode groups = user.putArray("groups");
    event.user().groups().forEach(groups::add);
    data.put("dryRun", event.dryRun());
    data.put("allowed", event.allowed());
    ArrayNode modes = data.putArray("modes");
    for (Mode mode : event.modes()) {
      modes.add(mode.id());
    }
    ArrayNode findings = data.putArray("findings");
    for (Finding f : event.findings()) {
      ObjectNode finding = findings.addObject();
      finding.put("rule", f.rule());
      finding.put("severity", f.severity().id());
      finding.put("mode", f.mode().id());
      finding.put("message", f.message());
      finding.put("field", f.field());
      finding.put("policy", f.policy());
    }
    ArrayNode warnings = data.putArray("warnings");
    event.warnings().forEach(warnings::add);
    event.patch().ifPresent(p -> data.set("patch", p.deepCopy()));
    event
        .exemption()
        .ifPresent(
            reason -> {
              ObjectNode exemption = data.putObject("exemption");
              exemption.put("breakGlass", event.breakGlass());
              exemption.put("reason", reason);
            });
    data.put("policyVersion", event.policyVersion());
    data.put("latencyMicros", event.latency().toNanos() / 1_000);
    return data;
  }
}
