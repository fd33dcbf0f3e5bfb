package io.stateguard.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    // About 7 KB for an event with nine findings; sized so most events need no regrowth.
    ByteArrayBuilder out = new ByteArrayBuilder(8192);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      write(event, g);
    } catch (IOException e) {
      // Written to memory from strings, numbers and a JSON patch: nothing here can fail.
      throw new IllegalStateException("cannot write audit event " + event.id(), e);
    }
    return out.toByteArray();
  }

  /** Reads one event's JSON back as a tree (for logs and tests). */
  static JsonNode read(byte[] json) throws IOException {
    return JSON.readTree(json);
  }

  /**
   * Writes the event in one pass, field by field in the documented order, without building a tree
   * first (the audit writer does this for every decision).
   */
  private static void write(AuditEvent event, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("specversion", AuditEvent.SPEC_VERSION);
    g.writeStringField("id", event.id());
    g.writeStringField("source", event.source());
    g.writeStringField("type", AuditEvent.TYPE);
    g.writeStringField("subject", event.subject());
    // RFC 3339 in UTC; microseconds are plenty and keep every event the same width.
    g.writeStringField("time", event.time().truncatedTo(ChronoUnit.MICROS).toString());
    g.writeStringField("datacontenttype", AuditEvent.DATA_CONTENT_TYPE);
    g.writeFieldName("data");
    data(event, g);
    g.writeEndObject();
  }

  private static void data(AuditEvent event, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("origin", event.origin().id());
    g.writeStringField("operation", event.operation().name());
    if (!event.subResource().isEmpty()) {
      g.writeStringField("subResource", event.subResource());
    }
    AuditEvent.Resource r = event.resource();
    g.writeObjectFieldStart("object");
    g.writeStringField("group", r.group());
    g.writeStringField("version", r.version());
    g.writeStringField("kind", r.kind());
    g.writeStringField("namespace", r.namespace());
    g.writeStringField("name", r.name());
    g.writeEndObject();
    g.writeObjectFieldStart("user");
    g.writeStringField("username", event.user().username());
    g.writeArrayFieldStart("groups");
    for (String group : event.user().groups()) {
      g.writeString(group);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeBooleanField("dryRun", event.dryRun());
    g.writeBooleanField("allowed", event.allowed());
    g.writeArrayFieldStart("modes");
    for (Mode mode : event.modes()) {
      g.writeString(mode.id());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("findings");
    for (Finding f : event.findings()) {
      g.writeStartObject();
      g.writeStringField("rule", f.rule());
      g.writeStringField("severity", f.severity().id());
      g.writeStringField("mode", f.mode().id());
      g.writeStringField("message", f.message());
      g.writeStringField("field", f.field());
      g.writeStringField("policy", f.policy());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("warnings");
    for (String warning : event.warnings()) {
      g.writeString(warning);
    }
    g.writeEndArray();
    if (event.patch().isPresent()) {
      g.writeFieldName("patch");
      JSON.writeTree(g, event.patch().get());
    }
    if (event.exemption().isPresent()) {
      g.writeObjectFieldStart("exemption");
      g.writeBooleanField("breakGlass", event.breakGlass());
      g.writeStringField("reason", event.exemption().get());
      g.writeEndObject();
    }
    g.writeStringField("policyVersion", event.policyVersion());
    g.writeNumberField("latencyMicros", event.latency().toNanos() / 1_000);
    g.writeEndObject();
  }
}
