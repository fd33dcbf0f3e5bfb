package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stateguard.policy.Patch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How each format shows what the mutations did. */
class MutationRenderingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Patch patch() throws IOException {
    return Patch.diff(
        JSON.readTree("{\"metadata\":{\"annotations\":{\"a\":\"b\"}},\"spec\":{}}"),
        JSON.readTree(
            "{\"metadata\":{\"annotations\":{\"a\":\"b\",\"stateguard.io/mutated\":"
                + "\"anti-affinity\"}},\"spec\":{\"affinity\":{\"x\":\"\\u202e\"}}}"));
  }

  /** A clean set that was mutated, and the denied set of the sample, mutated too. */
  private static Report mutated() throws IOException {
    return new Report(
        List.of(
            new ObjectReport(
                Reports.PG,
                Reports.PG_FILE,
                true,
                List.of(),
                Reports.STATEFULSET_RULES,
                Optional.empty(),
                List.of("anti-affinity"),
                patch()),
            new ObjectReport(
                Reports.ZK,
                Reports.ZK_FILE,
                false,
                List.of(Reports.PARALLEL),
                Reports.STATEFULSET_RULES,
                Optional.empty(),
                List.of("pvc-retention", "anti-affinity"),
                patch())),
        List.of(),
        Map.of(),
        Reports.CATALOGUE,
        "1.2.3");
  }

  private static String table(Report report, boolean showPatches) throws IOException {
    StringBuilder out = new StringBuilder();
    Format.TABLE.renderer().render(report, out, new Renderer.Options(false, showPatches));
    return out.toString();
  }

  @Test
  void tableNamesTheMutationsOfEachMutatedObject() throws IOException {
    // When a report with two mutated objects is rendered without patches
    String table = table(mutated(), false);

    // Then each names its mutations under its line, and the summary counts them
    assertThat(table)
        .isEqualTo(
            """
            ok  statefulset db/pg (examples/pg.yaml:1)
              mutated  anti-affinity

            statefulset data/zk (examples/zk.yaml:1): denied
              mutated  pvc-retention, anti-affinity
              error    parallel-pod-management  statefulset data/zk starts all 3 members at once \
            (podManagementPolicy: Parallel); a quorum workload bootstraps without quorum: set \
            podManagementPolicy: OrderedReady

            2 objects (1 denied, 2 mutated), 1 error, 0 warnings, 0 info
            """);
  }

  @Test
  void tableListsThePatchOperationsWhenAsked() throws IOException {
    // When the same report is rendered with patches
    String table = table(mutated(), true);

    // Then each operation follows the mutated line, with its value as JSON, escaped for terminals
    assertThat(table)
        .startsWith(
            """
            ok  statefulset db/pg (examples/pg.yaml:1)
              mutated  anti-affinity
                       add /metadata/annotations/stateguard.io~1mutated "anti-affinity"
                       add /spec/affinity {"x":"\\u202e"}
            """);
  }

  @Test
  void tableIsUnchangedForAReportWithoutMutations() throws IOException {
    StringBuilder plain = new StringBuilder();
    Format.TABLE.renderer().render(Reports.sample(), plain, false);

    assertThat(table(Reports.sample(), true)).isEqualTo(plain.toString());
  }

  @Test
  void jsonCarriesTheMutationsAndThePatchOfEveryObject() throws IOException {
    // When the report is rendered as JSON
    StringBuilder out = new StringBuilder();
    Format.JSON.renderer().render(mutated(), out, false);
    JsonNode root = JSON.readTree(out.toString());

    // Then each object has its mutations and its RFC 6902 patch, and the document fits the schema
    assertThat(Schemas.errors(Schemas.REPORT, out.toString())).isEmpty();
    assertThat(root.at("/summary/mutated").asInt()).isEqualTo(2);
    JsonNode pg = root.at("/objects/0");
    assertThat(pg.get("mutations")).isEqualTo(JSON.readTree("[\"anti-affinity\"]"));
    assertThat(pg.get("patch")).isEqualTo(patch().json());
  }

  @Test
  void jsonOfAnUnmutatedObjectHasEmptyMutationsAndPatch() throws IOException {
    StringBuilder out = new StringBuilder();
    Format.JSON.renderer().render(Reports.clean(), out, false);
    JsonNode object = JSON.readTree(out.toString()).at("/objects/0");

    assertThat(object.get("mutations").isArray()).isTrue();
    assertThat(object.get("mutations")).isEmpty();
    assertThat(object.get("patch")).isEmpty();
  }
}
