package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class JsonRendererTest {

  private static String render(Report report) throws IOException {
    StringBuilder out = new StringBuilder();
    new JsonRenderer().render(report, out, true);
    return out.toString();
  }

  private static JsonNode parse(String json) throws IOException {
    return JsonOutput.MAPPER.readTree(json);
  }

  @Test
  void everyReportMatchesTheDocumentedSchema() throws IOException {
    for (Report report :
        List.of(
            Reports.sample(),
            Reports.clean(),
            Reports.empty(),
            Reports.exempt("break-glass"),
            Reports.odd())) {
      String json = render(report);
      assertThat(Schemas.errors(Schemas.REPORT, json)).as(json).isEmpty();
    }
  }

  @Test
  void theSchemaRejectsDocumentsThatBreakIt() throws IOException {
    // Given valid output, then three ways of breaking it
    ObjectNode missingSummary = (ObjectNode) parse(render(Reports.sample()));
    missingSummary.remove("summary");
    ObjectNode unknownSeverity = (ObjectNode) parse(render(Reports.sample()));
    ((ObjectNode) unknownSeverity.get("results").get(0)).put("severity", "fatal");
    ObjectNode undocumentedKey = (ObjectNode) parse(render(Reports.sample()));
    ((ObjectNode) undocumentedKey.get("objects").get(0)).put("colour", "red");

    // Then the schema catches each: the validation above can fail
    for (ObjectNode broken : List.of(missingSummary, unknownSeverity, undocumentedKey)) {
      assertThat(Schemas.errors(Schemas.REPORT, broken.toString()))
          .as(broken.toString())
          .isNotEmpty();
    }
  }

  @Test
  void listsEveryFindingWithItsObjectSourceModeFieldAndPolicy() throws IOException {
    // When
    JsonNode root = parse(render(Reports.sample()));

    // Then
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(root.at("/tool/name").asText()).isEqualTo("stateguard");
    assertThat(root.at("/tool/version").asText()).isEqualTo("1.2.3");
    assertThat(root.get("summary"))
        .isEqualTo(
            parse(
                """
                {"objects": 3, "denied": 1, "exempt": 0, "mutated": 0, "errors": 1, "warnings": 2,
                 "info": 1, "skipped": 3, "problems": 1}
                """));
    JsonNode results = root.get("results");
    assertThat(StreamSupport.stream(results.spliterator(), false).map(r -> r.get("rule").asText()))
        .as("by object, most severe first")
        .containsExactly("parallel-pod-management", "readiness-probe", "image-tag", "pdb-quorum");
    assertThat(results.get(0))
        .isEqualTo(
            parse(
                """
                {"rule": "parallel-pod-management", "severity": "error", "mode": "enforce",
                 "object": {"apiVersion": "apps/v1", "kind": "StatefulSet", "namespace": "data",
                            "name": "zk"},
                 "source": {"file": "examples/zk.yaml", "line": 1},
                 "message": "%s",
                 "field": "spec.podManagementPolicy", "policy": "default"}
                """
                    .formatted(Reports.PARALLEL.message())));
    assertThat(results.get(2).get("policy").isNull()).as("audit finding names no policy").isTrue();
    assertThat(results.get(3).at("/source/line").asInt()).isEqualTo(40);
  }

  @Test
  void listsEveryObjectEvaluatedWithItsVerdict() throws IOException {
    // When
    JsonNode objects = parse(render(Reports.sample())).get("objects");
    JsonNode exempt = parse(render(Reports.exempt("break-glass: INC-42"))).get("objects");

    // Then clean objects are listed too
    assertThat(objects).hasSize(3);
    assertThat(objects.get(0).get("allowed").asBoolean()).isFalse();
    assertThat(objects.get(2).at("/object/name").asText()).isEqualTo("pg");
    assertThat(objects.get(2).get("allowed").asBoolean()).isTrue();
    assertThat(objects.get(2).get("exemption").isNull()).isTrue();
    assertThat(objects.get(2).get("rulesChecked").toString())
        .isEqualTo(
            "[\"parallel-pod-management\",\"readiness-probe\",\"image-tag\",\"replicas-quorum\"]");
    assertThat(exempt.get(0).get("exemption").asText()).isEqualTo("break-glass: INC-42");
  }

  @Test
  void listsProblemsAndSkippedKindsInNameOrder() throws IOException {
    // When
    JsonNode root = parse(render(Reports.sample()));

    // Then
    assertThat(root.get("problems"))
        .isEqualTo(
            parse(
                """
                [{"source": {"file": "examples/bad.yaml", "line": 3},
                  "message": "not a Kubernetes object: it has no kind"}]
                """));
    assertThat(root.get("skipped").toString()).isEqualTo("{\"ConfigMap\":2,\"Service\":1}");
  }

  @Test
  void writesNullForAnUnknownLineAndAMissingNamespace() throws IOException {
    // When
    JsonNode stdinObject = parse(render(Reports.odd())).get("objects").get(1);

    // Then
    assertThat(stdinObject.at("/source/file").asText()).isEqualTo("-");
    assertThat(stdinObject.at("/source/line").isNull()).isTrue();
    assertThat(stdinObject.at("/object/namespace").isNull()).isTrue();
  }

  @Test
  void carriesOddTextThroughUnchangedAndEscaped() throws IOException {
    // When
    String json = render(Reports.odd());
    JsonNode root = parse(json);

    // Then the raw document holds no control character but its own line ends
    assertThat(json.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    // and reading it back gives the text that went in
    JsonNode result = root.get("results").get(0);
    assertThat(result.get("message").asText()).isEqualTo(Reports.ODD);
    assertThat(result.get("policy").asText()).isEqualTo(Reports.ODD);
    assertThat(result.get("field").asText()).isEqualTo("a.b[\"c\"]\n");
    assertThat(result.at("/object/name").asText()).isEqualTo("zk \"1\" <x>");
    assertThat(root.at("/objects/0/exemption").asText()).isEqualTo(Reports.ODD);
    assertThat(root.at("/objects/0/source/file").asText())
        .isEqualTo("dir with space/ünï:cødé #1.yaml");
    assertThat(root.at("/problems/0/message").asText()).isEqualTo(Reports.ODD);
    assertThat(root.get("skipped").has("Weird<Kind>\n")).isTrue();
    // except half a surrogate pair, which no encoding can carry
    assertThat(root.at("/results/1/message").asText()).isEqualTo("half \uFFFD of a pair");
  }

  @Test
  void leavesAWriterItIsGivenOpen() throws IOException {
    // Given a writer that notices being closed
    boolean[] closed = {false};
    StringWriter out =
        new StringWriter() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };

    // When
    new JsonRenderer().render(Reports.empty(), out, false);

    // Then the caller still owns it
    assertThat(closed[0]).isFalse();
    assertThat(out.toString()).startsWith("{\n  \"schemaVersion\": 1,").endsWith("}\n");
  }
}
