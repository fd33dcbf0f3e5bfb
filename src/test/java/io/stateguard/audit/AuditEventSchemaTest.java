package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.stateguard.config.LoadedPolicies;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/audit-event.schema.json} describes what is produced, and the example in {@code
 * docs/audit-events.md} is current output (regenerate it with {@code
 * -Dstateguard.regenerate=true}).
 */
class AuditEventSchemaTest {

  private static final Path SCHEMA = Path.of("docs/audit-event.schema.json");
  private static final Path DOC = Path.of("docs/audit-events.md");
  private static final Pattern EXAMPLE =
      Pattern.compile("(<!-- example: ([\\w.-]+) -->\n```json\n)(.*?)(```)", Pattern.DOTALL);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final AuditEvents EVENTS =
      new AuditEvents(
          new EventSource("prod-eu-1", "stateguard-7c9f-x2"),
          Clock.fixed(Instant.parse("2026-11-21T04:57:25.480913Z"), ZoneOffset.UTC));

  private static final LoadedPolicies EXAMPLE_POLICY =
      Reviews.only(Map.of("volume-claim-templates", "enforce", "readiness-probe", "warn"));

  private static JsonSchema schema() throws IOException {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(JSON.readTree(SCHEMA.toFile()));
  }

  /** The event of a fixture as the documentation shows it: fixed time, source and latency. */
  static AuditEvent documented(String review) {
    Admission admission = Reviews.admission(review);
    Verdict verdict = Reviews.decide(admission, EXAMPLE_POLICY);
    return EVENTS.decision(
        Origin.VALIDATE,
        admission,
        verdict,
        "sha256:9f2c4e0b7a1d3c5e8f6a2b4d0c1e3f5a7b9d2c4e6f8a0b1c3d5e7f9a2b4c6d8e",
        Duration.ofNanos(1_873_000));
  }

  @Test
  void everyEventOfTheApiServerFixturesMatchesTheSchema() throws IOException {
    JsonSchema schema = schema();
    List<AuditEvent> events = new ArrayList<>();
    for (String review : Reviews.ALL) {
      events.add(documented(review));
    }
    ArrayNode patch = JSON.createArrayNode();
    patch.addObject().put("op", "add").put("path", "/spec/x").put("value", 1);
    events.add(documented("statefulset-create.json").withPatch(Optional.of(patch)));
    events.add(
        new AuditEvent(
            "uid-1",
            "/stateguard/c/r",
            Instant.EPOCH,
            new AuditEvent.Resource("", "v1", "Pod", "demo", "web-0"),
            Origin.MUTATE,
            io.stateguard.policy.Operation.CREATE,
            "eviction",
            io.stateguard.policy.UserInfo.NONE,
            true,
            true,
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.of("break-glass (stateguard.io/break-glass): incident 42"),
            "v",
            Duration.ZERO));

    for (AuditEvent event : events) {
      Set<ValidationMessage> problems = schema.validate(EventJson.read(event.toJson()));
      assertThat(problems).as("event %s (%s)", event.id(), event.subject()).isEmpty();
    }
  }

  @Test
  void schemaRejectsAnEventWithoutAnIdOrWithAnUnknownMode() throws IOException {
    JsonSchema schema = schema();
    ObjectNode noId = (ObjectNode) EventJson.read(documented("statefulset-create.json").toJson());
    noId.remove("id");
    ObjectNode badMode =
        (ObjectNode) EventJson.read(documented("statefulset-create-denied.json").toJson());
    ((ObjectNode) badMode.get("data").get("findings").get(0)).put("mode", "off");

    assertThat(schema.validate(noId)).isNotEmpty();
    assertThat(schema.validate(badMode)).isNotEmpty();
  }

  @Test
  void documentedExampleIsCurrentOutputAndMatchesTheSchema() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher m = EXAMPLE.matcher(doc);
    StringBuilder regenerated = new StringBuilder();
    int examples = 0;
    while (m.find()) {
      examples++;
      String actual = PRETTY.writeValueAsString(EventJson.read(documented(m.group(2)).toJson()));
      m.appendReplacement(
          regenerated, Matcher.quoteReplacement(m.group(1) + actual + "\n" + m.group(4)));
      if (!Boolean.getBoolean("stateguard.regenerate")) {
        JsonNode shown = JSON.readTree(m.group(3));
        assertThat(schema().validate(shown)).as("example of %s", m.group(2)).isEmpty();
        assertThat(shown)
            .as(
                "the example of %s in %s is out of date; regenerate it with"
                    + " mvn -B -ntp test -Dtest=AuditEventSchemaTest -Dstateguard.regenerate=true",
                m.group(2), DOC)
            .isEqualTo(JSON.readTree(actual));
      }
    }
    m.appendTail(regenerated);
    if (Boolean.getBoolean("stateguard.regenerate")) {
      Files.writeString(DOC, regenerated.toString(), StandardCharsets.UTF_8);
    }
    assertThat(examples).as("examples in %s", DOC).isPositive();
  }
}
