package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Operation;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link EventJson} writes each event in one pass; these tests hold it to the bytes of the event
 * built as a JSON tree and written whole, the form it replaced, so that consumers see no change.
 */
class EventJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AuditEvents EVENTS =
      new AuditEvents(
          new EventSource("prod-eu-1", "stateguard-7c9f-x2"),
          Clock.fixed(Instant.parse("2026-11-21T04:57:25.123456789Z"), ZoneOffset.UTC));

  @Test
  void writesEveryReviewsEventAsTheTreeFormDid() throws Exception {
    // Given the event of every review the audit tests decide
    List<AuditEvent> events = new ArrayList<>();
    for (String review : Reviews.ALL) {
      Admission admission = Reviews.admission(review);
      Verdict verdict = Reviews.decide(admission);
      events.add(
          EVENTS.decision(Origin.VALIDATE, admission, verdict, "sha256:0", Duration.ofNanos(9)));
    }
    assertThat(events).as("events with findings among them").anyMatch(e -> !e.findings().isEmpty());

    for (AuditEvent event : events) {
      // When it is written, Then the bytes are those of its tree
      assertThat(text(EventJson.write(event))).as(event.id()).isEqualTo(text(reference(event)));
    }
  }

  @Test
  void writesPatchExemptionSubresourceAndAwkwardTextAsTheTreeFormDid() throws Exception {
    // Given an event with every optional part, and text that needs escaping
    ArrayNode patch = JSON.createArrayNode();
    ObjectNode op = patch.addObject().put("op", "add").put("path", "/spec/template/spec/affinity");
    op.putObject("value").putArray("list").add(1).add(2.5).add(true).addNull().add("\u00e9\u2028");
    Finding finding =
        new Finding(
            "pdb-quorum",
            Mode.ENFORCE,
            "line one\nline \"two\"\t\u0001 \ud83d\ude00 caf\u00e9 </script>",
            "spec.minAvailable",
            new ObjectRef("policy/v1", "PodDisruptionBudget", "data", "zk-pdb"),
            "quorum");
    AuditEvent event =
        new AuditEvent(
            "uid-\u00e9\"x",
            "/stateguard/prod/replica%200",
            Instant.parse("2026-03-01T10:00:00.000000001Z"),
            new AuditEvent.Resource("", "v1", "Pod", "data", "zk-1"),
            Origin.MUTATE,
            Operation.CREATE,
            "eviction",
            new UserInfo("system:serviceaccount:kube-system:\u00e9", List.of("a", "b\\c")),
            true,
            true,
            List.of(finding, finding),
            List.of("[pdb-quorum] w\u00e9", ""),
            Optional.of(patch),
            Optional.of("break-glass (stateguard.io/break-glass): \"restore\""),
            "sha256:abc",
            Duration.ofSeconds(3, 999));

    // When it is written, Then the bytes are those of its tree
    assertThat(text(EventJson.write(event))).isEqualTo(text(reference(event)));
    assertThat(EventJson.read(EventJson.write(event)).path("data").path("patch")).isEqualTo(patch);
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  /** The event as a JSON tree, field by field in the documented order, written whole. */
  private static byte[] reference(AuditEvent event) throws Exception {
    ObjectNode root = JSON.createObjectNode();
    root.put("specversion", AuditEvent.SPEC_VERSION);
    root.put("id", event.id());
    root.put("source", event.source());
    root.put("type", AuditEvent.TYPE);
    root.put("subject", event.subject());
    root.put("time", event.time().truncatedTo(ChronoUnit.MICROS).toString());
    root.put("datacontenttype", AuditEvent.DATA_CONTENT_TYPE);
    ObjectNode data = root.putObject("data");
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
    event.modes().forEach(m -> modes.add(m.id()));
    ArrayNode findings = data.putArray("findings");
    for (Finding f : event.findings()) {
      findings
          .addObject()
          .put("rule", f.rule())
          .put("severity", f.severity().id())
          .put("mode", f.mode().id())
          .put("message", f.message())
          .put("field", f.field())
          .put("policy", f.policy());
    }
    ArrayNode warnings = data.putArray("warnings");
    event.warnings().forEach(warnings::add);
    event.patch().ifPresent(p -> data.set("patch", p.deepCopy()));
    event
        .exemption()
        .ifPresent(
            reason ->
                data.putObject("exemption")
                    .put("breakGlass", event.breakGlass())
                    .put("reason", reason));
    data.put("policyVersion", event.policyVersion());
    data.put("latencyMicros", event.latency().toNanos() / 1_000);
    return JSON.writeValueAsBytes(root);
  }
}
