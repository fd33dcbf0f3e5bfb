package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class SarifRendererTest {

  private static String render(Report report) throws IOException {
    StringBuilder out = new StringBuilder();
    new SarifRenderer().render(report, out, true);
    return out.toString();
  }

  private static JsonNode run(Report report) throws IOException {
    JsonNode log = JsonOutput.MAPPER.readTree(render(report));
    assertThat(log.get("runs")).hasSize(1);
    return log.get("runs").get(0);
  }

  private static List<String> texts(JsonNode array, String pointer) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.at(pointer).asText())
        .toList();
  }

  @Test
  void theBundledSchemaIsTheOfficialSarif210Schema() throws IOException {
    // The test depends on the schema it validates against: make sure the jar holds the real one
    try (InputStream in = getClass().getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      assertThat(in).as("schema/sarif-schema-2.1.0.json on the test classpath").isNotNull();
      JsonNode schema = JsonOutput.MAPPER.readTree(in);
      assertThat(schema.get("title").asText())
          .isEqualTo("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
      assertThat(schema.get("$id").asText()).isEqualTo(Schemas.SARIF_ID);
      assertThat(schema.at("/properties/version/enum/0").asText()).isEqualTo("2.1.0");
    }
  }

  @Test
  void everyReportMatchesTheOfficialSchema() throws IOException {
    for (Report report :
        List.of(
            Reports.sample(),
            Reports.clean(),
            Reports.empty(),
            Reports.exempt("break-glass"),
            Reports.odd())) {
      String sarif = render(report);
      assertThat(Schemas.errors(Schemas.SARIF, sarif)).as(sarif).isEmpty();
    }
  }

  @Test
  void theSchemaRejectsLogsThatBreakIt() throws IOException {
    // Given valid output, then three ways of breaking it
    ObjectNode badLevel = (ObjectNode) JsonOutput.MAPPER.readTree(render(Reports.sample()));
    ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "fatal");
    ObjectNode noMessage = (ObjectNode) JsonOutput.MAPPER.readTree(render(Reports.sample()));
    ((ObjectNode) noMessage.at("/runs/0/results/0")).remove("message");
    ObjectNode badUri = (ObjectNode) JsonOutput.MAPPER.readTree(render(Reports.sample()));
    ((ObjectNode) badUri.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation"))
        .put("uri", "dir with space/a b.yaml");

    // Then the schema catches each: the validation above can fail
    for (ObjectNode broken : List.of(badLevel, noMessage, badUri)) {
      assertThat(Schemas.errors(Schemas.SARIF, broken.toString()))
          .as(broken.toString())
          .isNotEmpty();
    }
  }

  @Test
  void describesTheToolAndEveryRuleOfTheCatalogue() throws IOException {
    // When
    JsonNode log = JsonOutput.MAPPER.readTree(render(Reports.sample()));
    JsonNode driver = log.at("/runs/0/tool/driver");

    // Then
    assertThat(log.get("version").asText()).isEqualTo("2.1.0");
    assertThat(log.get("$schema").asText()).endsWith("/sarif-schema-2.1.0.json");
    assertThat(driver.get("name").asText()).isEqualTo("stateguard");
    assertThat(driver.get("version").asText()).isEqualTo("1.2.3");
    JsonNode rules = driver.get("rules");
    assertThat(texts(rules, "/id"))
        .containsExactlyElementsOf(Reports.CATALOGUE.stream().map(r -> r.id()).toList());
    assertThat(texts(rules, "/defaultConfiguration/level"))
        .containsExactly("error", "warning", "note", "error", "none", "error", "warning");
    JsonNode pdbQuorum = rules.get(5);
    assertThat(pdbQuorum.at("/shortDescription/text").asText()).isEqualTo("summary of pdb-quorum");
    assertThat(pdbQuorum.at("/fullDescription/text").asText()).isEqualTo("why pdb-quorum matters");
    assertThat(pdbQuorum.at("/help/text").asText()).isEqualTo("how to fix pdb-quorum");
    assertThat(pdbQuorum.at("/properties/target").asText()).isEqualTo("PodDisruptionBudget");
    assertThat(rules.get(4).at("/defaultConfiguration/enabled").asBoolean(true))
        .as("a rule that is off by default")
        .isFalse();
  }

  @Test
  void reportsEachFindingAtItsFileLineAndObject() throws IOException {
    // When
    JsonNode run = run(Reports.sample());
    JsonNode results = run.get("results");

    // Then
    assertThat(texts(results, "/ruleId"))
        .containsExactly("parallel-pod-management", "readiness-probe", "image-tag", "pdb-quorum");
    assertThat(texts(results, "/level")).containsExactly("error", "warning", "note", "warning");
    for (JsonNode result : results) {
      int index = result.get("ruleIndex").asInt();
      assertThat(run.at("/tool/driver/rules/" + index + "/id").asText())
          .as("ruleIndex points at the rule")
          .isEqualTo(result.get("ruleId").asText());
    }
    JsonNode pdb = results.get(3);
    assertThat(pdb.at("/message/text").asText()).isEqualTo(Reports.PDB_QUORUM.message());
    JsonNode location = pdb.at("/locations/0");
    assertThat(location.at("/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("examples/zk.yaml");
    assertThat(location.at("/physicalLocation/region/startLine").asInt()).isEqualTo(40);
    assertThat(location.at("/logicalLocations/0/fullyQualifiedName").asText())
        .isEqualTo("pdb data/zk-pdb");
    assertThat(location.at("/logicalLocations/0/name").asText()).isEqualTo("zk-pdb");
    assertThat(pdb.at("/properties/field").asText()).isEqualTo("spec.minAvailable");
    assertThat(pdb.at("/properties/mode").asText()).isEqualTo("warn");
    assertThat(pdb.at("/properties/object/kind").asText()).isEqualTo("PodDisruptionBudget");
    assertThat(pdb.has("suppressions")).isFalse();
  }

  @Test
  void reportsUnreadableInputAsFailedExecution() throws IOException {
    // When
    JsonNode invocation = run(Reports.sample()).at("/invocations/0");
    JsonNode cleanInvocation = run(Reports.clean()).at("/invocations/0");

    // Then
    assertThat(invocation.get("executionSuccessful").asBoolean()).isFalse();
    JsonNode notification = invocation.at("/toolExecutionNotifications/0");
    assertThat(notification.get("level").asText()).isEqualTo("error");
    assertThat(notification.at("/message/text").asText()).isEqualTo(Reports.BAD.message());
    assertThat(notification.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("examples/bad.yaml");
    assertThat(notification.at("/locations/0/physicalLocation/region/startLine").asInt())
        .isEqualTo(3);
    assertThat(cleanInvocation.get("executionSuccessful").asBoolean()).isTrue();
    assertThat(cleanInvocation.get("toolExecutionNotifications")).isEmpty();
  }

  @Test
  void marksFindingsOnAnExemptObjectAsAcceptedSuppressions() throws IOException {
    // When
    JsonNode results = run(Reports.exempt("break-glass: INC-42")).get("results");

    // Then
    assertThat(results).hasSize(2);
    for (JsonNode result : results) {
      assertThat(result.at("/suppressions/0/kind").asText()).isEqualTo("external");
      assertThat(result.at("/suppressions/0/status").asText()).isEqualTo("accepted");
      assertThat(result.at("/suppressions/0/justification").asText())
          .isEqualTo("break-glass: INC-42");
    }
  }

  @Test
  void omitsTheRegionWhenTheLineIsUnknownAndNamesStandardInput() throws IOException {
    // When
    JsonNode run = run(Reports.odd());
    JsonNode stdinResult = run.get("results").get(2);

    // Then
    JsonNode physical = stdinResult.at("/locations/0/physicalLocation");
    assertThat(physical.has("region")).isFalse();
    assertThat(physical.at("/artifactLocation/uri").asText()).isEqualTo("stdin");
    assertThat(physical.at("/artifactLocation/description/text").asText())
        .isEqualTo("standard input");
  }

  @Test
  void turnsFileNamesIntoUriReferences() {
    assertThat(SarifRenderer.uri("examples/zk.yaml")).isEqualTo("examples/zk.yaml");
    assertThat(SarifRenderer.uri("./examples/zk.yaml")).isEqualTo("examples/zk.yaml");
    assertThat(SarifRenderer.uri("../charts/out.yaml")).isEqualTo("../charts/out.yaml");
    assertThat(SarifRenderer.uri("-")).isEqualTo("stdin");
    assertThat(SarifRenderer.uri("dir with space/ünï:cødé #1.yaml"))
        .isEqualTo("dir%20with%20space/%C3%BCn%C3%AF%3Ac%C3%B8d%C3%A9%20%231.yaml");
    assertThat(SarifRenderer.uri("/abs/olute path.yaml"))
        .isEqualTo("file:///abs/olute%20path.yaml");
    assertThat(SarifRenderer.uri(".\\windows\\path.yaml")).isEqualTo("windows/path.yaml");
    assertThat(SarifRenderer.uri("C:\\work\\zk.yaml")).isEqualTo("file:///C:/work/zk.yaml");
    // a colon in a first segment would otherwise read as a URI scheme
    assertThat(SarifRenderer.uri("a:b.yaml")).isEqualTo("a%3Ab.yaml");
  }

  @Test
  void carriesOddTextThroughUnchanged() throws IOException {
    // When
    String sarif = render(Reports.odd());
    JsonNode results = JsonOutput.MAPPER.readTree(sarif).at("/runs/0/results");

    // Then
    assertThat(sarif.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    assertThat(results.at("/0/message/text").asText()).isEqualTo(Reports.ODD);
    assertThat(results.at("/0/suppressions/0/justification").asText()).isEqualTo(Reports.ODD);
    assertThat(results.at("/0/locations/0/logicalLocations/0/name").asText())
        .isEqualTo("zk \"1\" <x>");
    assertThat(results.at("/1/message/text").asText()).isEqualTo("half \uFFFD of a pair");
  }
}
