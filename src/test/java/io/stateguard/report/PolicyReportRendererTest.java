package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** {@code --format policyreport}: how findings map to report objects of either API. */
class PolicyReportRendererTest {

  private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

  private static List<JsonNode> render(Report report, ReportApi api) throws IOException {
    StringBuilder out = new StringBuilder();
    new PolicyReportRenderer()
        .render(
            report, out, new Renderer.Options(false, false, api, Clock.fixed(NOW, ZoneOffset.UTC)));
    List<JsonNode> documents = new ArrayList<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser = new YAMLFactory().createParser(out.toString())) {
      yaml.readValues(parser, ObjectNode.class).forEachRemaining(documents::add);
    }
    for (JsonNode document : documents) {
      assertThat(Schemas.errors(Schemas.POLICYREPORT, document))
          .as("schema errors of %s", document.path("metadata"))
          .isEmpty();
    }
    return documents;
  }

  private static List<JsonNode> results(JsonNode report, String rule) {
    return StreamSupport.stream(report.path("results").spliterator(), false)
        .filter(r -> r.path("rule").asText().equals(rule))
        .toList();
  }

  private static JsonNode only(List<JsonNode> results) {
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  @Test
  void writesOneReportPerNamespaceInNameOrder() throws IOException {
    List<JsonNode> reports = render(Reports.sample(), ReportApi.OPENREPORTS);

    assertThat(reports)
        .extracting(r -> r.path("metadata").path("namespace").asText())
        .containsExactly("data", "db");
    assertThat(reports)
        .allSatisfy(
            r -> {
              assertThat(r.path("apiVersion").asText()).isEqualTo("openreports.io/v1alpha1");
              assertThat(r.path("kind").asText()).isEqualTo("Report");
              assertThat(r.path("metadata").path("name").asText()).isEqualTo("stateguard");
              assertThat(r.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())
                  .isEqualTo("stateguard");
              assertThat(r.path("source").asText()).isEqualTo("stateguard");
              assertThat(r.at("/scope/kind").asText()).isEqualTo("Namespace");
            });
  }

  @Test
  void mapsEachModeToItsResultAndSeverity() throws IOException {
    // Given a set with an enforced, a warned and an audited finding
    JsonNode data = render(Reports.sample(), ReportApi.OPENREPORTS).get(0);

    JsonNode enforced = only(results(data, "parallel-pod-management"));
    assertThat(enforced.path("result").asText()).isEqualTo("fail");
    assertThat(enforced.path("severity").asText()).isEqualTo("high");
    assertThat(enforced.path("message").asText()).isEqualTo(Reports.PARALLEL.message());
    assertThat(enforced.path("policy").asText()).isEqualTo("default");
    assertThat(enforced.at("/properties/mode").asText()).isEqualTo("enforce");
    assertThat(enforced.at("/properties/field").asText()).isEqualTo("spec.podManagementPolicy");
    assertThat(enforced.path("resources"))
        .containsExactly(
            new ObjectMapper()
                .createObjectNode()
                .put("apiVersion", "apps/v1")
                .put("kind", "StatefulSet")
                .put("namespace", "data")
                .put("name", "zk"));
    assertThat(enforced.at("/timestamp/seconds").asLong()).isEqualTo(NOW.getEpochSecond());

    JsonNode warned = only(results(data, "readiness-probe"));
    assertThat(warned.path("result").asText()).isEqualTo("warn");
    assertThat(warned.path("severity").asText()).isEqualTo("medium");

    JsonNode audited = only(results(data, "image-tag"));
    assertThat(audited.path("result").asText()).isEqualTo("warn");
    assertThat(audited.path("severity").asText()).isEqualTo("low");
    assertThat(audited.at("/properties/mode").asText()).isEqualTo("audit");
  }

  @Test
  void reportsEveryRuleThatFoundNothingAsAPass() throws IOException {
    List<JsonNode> reports = render(Reports.sample(), ReportApi.OPENREPORTS);

    JsonNode quorum = only(results(reports.get(0), "replicas-quorum"));
    assertThat(quorum.path("result").asText()).isEqualTo("pass");
    assertThat(quorum.has("severity")).as("a pass has no severity").isFalse();
    assertThat(quorum.path("message").asText()).isEqualTo("summary of replicas-quorum");
    assertThat(reports.get(1).path("results"))
        .as("every rule checked on the clean set")
        .extracting(r -> r.path("result").asText())
        .containsExactly("pass", "pass", "pass", "pass");
  }

  @Test
  void countsEveryResultInTheSummary() throws IOException {
    List<JsonNode> reports = render(Reports.sample(), ReportApi.OPENREPORTS);

    // data: zk has 1 enforced, 1 warned, 1 audited finding and 1 pass; zk-pdb 1 warned and 1 pass
    assertThat(reports.get(0).path("summary")).isEqualTo(summary(2, 1, 3, 0, 0));
    assertThat(reports.get(1).path("summary")).isEqualTo(summary(4, 0, 0, 0, 0));
  }

  @Test
  void reportsAnExemptEnforcedFindingAsSkippedWithTheReason() throws IOException {
    JsonNode data = render(Reports.exempt("break-glass: restore"), ReportApi.OPENREPORTS).get(0);

    JsonNode parallel = only(results(data, "parallel-pod-management"));
    assertThat(parallel.path("result").asText()).isEqualTo("skip");
    assertThat(parallel.at("/properties/exemption").asText()).isEqualTo("break-glass: restore");
    assertThat(only(results(data, "image-tag")).path("result").asText())
        .as("an audited finding is not lifted by the exemption")
        .isEqualTo("warn");
    assertThat(data.at("/summary/skip").asInt()).isEqualTo(1);
  }

  @Test
  void namesThePolicyAPassingRuleRanUnder() throws IOException {
    ObjectRef pg = Reports.PG;
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    pg,
                    Reports.PG_FILE,
                    true,
                    List.of(),
                    List.of("readiness-probe", "image-tag"),
                    Optional.empty(),
                    List.of(),
                    Patch.EMPTY,
                    Map.of("readiness-probe", "databases"))),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    JsonNode db = render(report, ReportApi.OPENREPORTS).get(0);

    assertThat(only(results(db, "readiness-probe")).path("policy").asText()).isEqualTo("databases");
    assertThat(only(results(db, "image-tag")).path("policy").asText())
        .as("a rule whose policy is not known is reported under stateguard")
        .isEqualTo("stateguard");
  }

  @Test
  void writesWgpolicyPolicyReportsWhenAsked() throws IOException {
    List<JsonNode> reports = render(Reports.sample(), ReportApi.WGPOLICYK8S);

    assertThat(reports)
        .allSatisfy(
            r -> {
              assertThat(r.path("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
              assertThat(r.path("kind").asText()).isEqualTo("PolicyReport");
              assertThat(r.has("source")).as("PolicyReport has no top-level source").isFalse();
            });
    assertThat(reports.get(0).path("results").findValuesAsText("source"))
        .containsOnly("stateguard");
    assertThat(reports.get(0).path("summary")).isEqualTo(summary(2, 1, 3, 0, 0));
  }

  @Test
  void putsClusterScopedObjectsInOneClusterReport() throws IOException {
    ObjectRef stdin = new ObjectRef("apps/v1", "StatefulSet", "", "global");
    Finding finding = new Finding("replicas-quorum", Mode.ENFORCE, "even", "", stdin, "p");
    Report report =
        new Report(
            List.of(
                new ObjectReport(
                    stdin,
                    new SourceLocation("-", 0),
                    false,
                    List.of(finding),
                    List.of("replicas-quorum"),
                    Optional.empty())),
            List.of(),
            Map.of(),
            Reports.CATALOGUE,
            "1.2.3");

    for (ReportApi api : ReportApi.values()) {
      List<JsonNode> reports = render(report, api);

      assertThat(reports).hasSize(1);
      assertThat(reports.get(0).path("kind").asText()).isEqualTo(api.kind(true));
      assertThat(reports.get(0).path("metadata").has("namespace")).isFalse();
      assertThat(reports.get(0).has("scope")).isFalse();
      assertThat(reports.get(0).at("/results/0/resources/0").has("namespace")).isFalse();
    }
  }

  @Test
  void writesNothingForAReportWithoutObjects() throws IOException {
    StringBuilder out = new StringBuilder();
    Format.POLICYREPORT.renderer().render(Reports.empty(), out, false);

    assertThat(out).isEmpty();
  }

  @Test
  void carriesOddTextUnchanged() throws IOException {
    List<JsonNode> reports = render(Reports.odd(), ReportApi.OPENREPORTS);

    JsonNode weird =
        reports.stream()
            .filter(r -> r.at("/metadata/namespace").asText().equals("näme space"))
            .findFirst()
            .orElseThrow();
    assertThat(weird.path("results").findValuesAsText("message"))
        .contains(Reports.ODD, "half \uFFFD of a pair");
    assertThat(weird.path("results").findValuesAsText("policy")).contains(Reports.ODD);
  }

  @Test
  void givesTheSameObjectsToApplyAsItPrints() throws IOException {
    List<JsonNode> printed = render(Reports.sample(), ReportApi.WGPOLICYK8S);

    List<GenericKubernetesResource> resources =
        PolicyReports.resources(Reports.sample(), ReportApi.WGPOLICYK8S, NOW);

    List<JsonNode> applied = new ArrayList<>();
    for (GenericKubernetesResource resource : resources) {
      // Read back from its JSON, so numbers compare by value, as they do on the wire
      applied.add(JsonOutput.MAPPER.readTree(JsonOutput.MAPPER.writeValueAsString(resource)));
    }
    assertThat(applied).containsExactlyElementsOf(printed);
  }

  @Test
  void theSchemaRefusesWhatTheReportApisDoNotDefine() throws IOException {
    // Guards the schema checks above: they would catch a misspelt or misplaced field
    ObjectNode report = (ObjectNode) render(Reports.sample(), ReportApi.WGPOLICYK8S).get(0);
    ((ObjectNode) report.path("results").get(0)).set("resource", report.at("/results/0/resources"));
    ObjectNode withSource = report.deepCopy().put("source", "stateguard");

    assertThat(Schemas.errors(Schemas.POLICYREPORT, report)).isNotEmpty();
    assertThat(Schemas.errors(Schemas.POLICYREPORT, withSource))
        .as("a PolicyReport has no top-level source")
        .isNotEmpty();
  }

  @Test
  void keepsOnlyWhatALabelValueMayHold() {
    assertThat(PolicyReports.labelValue("0.1.0-SNAPSHOT")).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(PolicyReports.labelValue("dev build+1")).isEqualTo("dev_build_1");
    assertThat(PolicyReports.labelValue("-x-")).isEqualTo("x");
    assertThat(PolicyReports.labelValue("v".repeat(80))).hasSize(63);
  }

  private static JsonNode summary(int pass, int fail, int warn, int error, int skip) {
    return new ObjectMapper()
        .createObjectNode()
        .put("pass", pass)
        .put("fail", fail)
        .put("warn", warn)
        .put("error", error)
        .put("skip", skip);
  }
}
