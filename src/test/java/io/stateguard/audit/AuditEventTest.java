package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Verdict;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class AuditEventTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T04:57:25.123456789Z"), ZoneOffset.UTC);
  private static final AuditEvents EVENTS =
      new AuditEvents(new EventSource("prod-eu-1", "stateguard-7c9f-x2"), CLOCK);
  private static final List<String> REVIEWS = Reviews.ALL;

  private static JsonNode json(AuditEvent event) throws IOException {
    return EventJson.read(event.toJson());
  }

  private static AuditEvent decided(String review) {
    Admission admission = Reviews.admission(review);
    Verdict verdict = Reviews.decide(admission);
    return EVENTS.decision(
        Origin.VALIDATE, admission, verdict, "sha256:0123abcd", Duration.ofNanos(412_345));
  }

  @Test
  void deniedStatefulSetBecomesACloudEventWithEveryFinding() throws IOException {
    // Given the API server's review of a StatefulSet the shipped policies deny
    Admission admission = Reviews.admission("statefulset-create-denied.json");
    Verdict verdict = Reviews.decide(admission);
    assertThat(verdict.allowed()).as("the fixture is denied by the shipped policies").isFalse();

    // When its event is made
    JsonNode event =
        json(
            EVENTS.decision(
                Origin.VALIDATE, admission, verdict, "sha256:0123abcd", Duration.ofNanos(412_345)));

    // Then the CloudEvents attributes name the request, the emitter and the object
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("id").asText()).isEqualTo("7f290719-434b-477e-b9f6-3fbfd5c990a8");
    assertThat(event.get("source").asText()).isEqualTo("/stateguard/prod-eu-1/stateguard-7c9f-x2");
    assertThat(event.get("type").asText()).isEqualTo("io.stateguard.admission.decision.v1");
    assertThat(event.get("subject").asText()).isEqualTo("apps/v1/StatefulSet/demo/web-denied");
    assertThat(event.get("time").asText()).isEqualTo("2026-11-21T04:57:25.123456Z");
    assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
    // And the data carries the decision and every finding behind it
    JsonNode data = event.get("data");
    assertThat(data.get("origin").asText()).isEqualTo("validate");
    assertThat(data.get("operation").asText()).isEqualTo("CREATE");
    assertThat(data.get("user").get("username").asText()).isEqualTo("kube-admin");
    assertThat(data.get("user").get("groups"))
        .extracting(JsonNode::asText)
        .containsExactly("system:masters", "system:authenticated");
    assertThat(data.get("dryRun").asBoolean()).isFalse();
    assertThat(data.get("allowed").asBoolean()).isFalse();
    assertThat(data.get("modes").get(0).asText()).isEqualTo("enforce");
    assertThat(data.get("findings")).hasSize(verdict.findings().size());
    for (int i = 0; i < verdict.findings().size(); i++) {
      Finding f = verdict.findings().get(i);
      JsonNode finding = data.get("findings").get(i);
      assertThat(finding.get("rule").asText()).isEqualTo(f.rule());
      assertThat(finding.get("mode").asText()).isEqualTo(f.mode().id());
      assertThat(finding.get("severity").asText()).isEqualTo(f.severity().id());
      assertThat(finding.get("message").asText()).isEqualTo(f.message());
      assertThat(finding.get("field").asText()).isEqualTo(f.field());
      assertThat(finding.get("policy").asText()).isEqualTo(f.policy());
    }
    assertThat(data.get("warnings")).hasSize(verdict.warnings().size());
    assertThat(data.has("patch")).as("no patch was sent").isFalse();
    assertThat(data.has("exemption")).isFalse();
    assertThat(data.get("policyVersion").asText()).isEqualTo("sha256:0123abcd");
    assertThat(data.get("latencyMicros").asLong()).isEqualTo(412);
  }

  @Test
  void deleteNamesTheObjectFromTheOldObject() throws IOException {
    JsonNode event = json(decided("statefulset-delete.json"));

    assertThat(event.get("subject").asText()).isEqualTo("apps/v1/StatefulSet/demo/web");
    assertThat(event.get("data").get("operation").asText()).isEqualTo("DELETE");
    // The set deletes its volumes with it (whenDeleted: Delete) and carries no
    // stateguard.io/allow-delete: the shipped policies deny it, and the event says by which rule.
    assertThat(event.get("data").get("allowed").asBoolean()).isFalse();
    assertThat(event.get("data").get("findings").get(0).get("rule").asText())
        .isEqualTo("statefulset-delete-protection");
  }

  @Test
  void coreGroupIsNamedCoreInTheSubjectAndEmptyInTheObject() throws IOException {
    JsonNode event = json(decided("pod-delete.json"));

    assertThat(event.get("subject").asText()).isEqualTo("core/v1/Pod/demo/web-0");
    assertThat(event.get("data").get("object").get("group").asText()).isEmpty();
    assertThat(event.get("data").get("object").get("version").asText()).isEqualTo("v1");
  }

  @Test
  void podDisruptionBudgetSubjectCarriesThePolicyGroup() {
    assertThat(decided("pdb-create.json").subject())
        .isEqualTo("policy/v1/PodDisruptionBudget/demo/web");
  }

  @Test
  void keyIsNamespaceAndNameSoOneObjectsEventsShareAPartition() {
    assertThat(decided("statefulset-update.json").key()).isEqualTo("demo/web");
    assertThat(decided("statefulset-delete.json").key()).isEqualTo("demo/web");
  }

  @Test
  void breakGlassExemptionIsRecordedAsSuch() throws IOException {
    Admission admission = Reviews.admission("statefulset-create.json");
    Finding enforced =
        new Finding(
            "pdb-quorum",
            Mode.ENFORCE,
            "statefulset demo/web has no PDB",
            "",
            new ObjectRef("apps/v1", "StatefulSet", "demo", "web"),
            "quorum");
    Verdict verdict =
        Verdict.exempt(
            List.of(enforced), "break-glass (stateguard.io/break-glass): restoring from backup");

    JsonNode data =
        json(EVENTS.decision(Origin.VALIDATE, admission, verdict, "v", Duration.ZERO)).get("data");

    assertThat(data.get("allowed").asBoolean()).isTrue();
    assertThat(data.get("exemption").get("breakGlass").asBoolean()).isTrue();
    assertThat(data.get("exemption").get("reason").asText()).endsWith("restoring from backup");
    assertThat(data.get("modes")).extracting(JsonNode::asText).containsExactly("enforce");
  }

  @Test
  void policyExemptionIsNotBreakGlass() {
    Admission admission = Reviews.admission("statefulset-create.json");
    Verdict verdict = new Verdict(true, List.of(), Optional.of("user ci-bot exempt by policy x"));

    AuditEvent event = EVENTS.decision(Origin.REPORT, admission, verdict, "v", Duration.ZERO);

    assertThat(event.breakGlass()).isFalse();
    assertThat(event.exemption()).contains("user ci-bot exempt by policy x");
  }

  @Test
  void patchAndWarningsAreTheOnesTheResponseCarried() throws IOException {
    ArrayNode patch = JSON.createArrayNode();
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/spec/template/spec/affinity")
        .putObject("value");

    AuditEvent event =
        decided("statefulset-create.json")
            .withPatch(Optional.of(patch))
            .withWarnings(List.of("[rule] sent as is"));
    patch.removeAll(); // the event keeps its own copy

    JsonNode data = json(event).get("data");
    assertThat(data.get("patch")).hasSize(1);
    assertThat(data.get("patch").get(0).get("op").asText()).isEqualTo("add");
    assertThat(data.get("warnings"))
        .extracting(JsonNode::asText)
        .containsExactly("[rule] sent as is");
  }

  @Test
  void emptyPatchIsNoPatchAndAPatchMustBeAnArray() throws IOException {
    AuditEvent event = decided("statefulset-create.json");

    assertThat(json(event.withPatch(Optional.of(JSON.createArrayNode()))).get("data").has("patch"))
        .isFalse();
    assertThatThrownBy(() -> event.withPatch(Optional.of(JSON.createObjectNode())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("array");
  }

  @Test
  void sourceEncodesNamesAsPathSegments() {
    assertThat(new EventSource("eu west/1", "pod-0").uri())
        .isEqualTo("/stateguard/eu%20west%2F1/pod-0");
    assertThatThrownBy(() -> new EventSource(" ", "pod-0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @FieldSource("REVIEWS")
  void everyEventIsOneLineOfJson(String review) {
    byte[] json = decided(review).toJson();

    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\n");
  }
}
