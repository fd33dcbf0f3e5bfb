package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import io.stateguard.policy.Verdict;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReviewResponsesTest {

  private static final ObjectRef SET = new ObjectRef("apps/v1", "StatefulSet", "data", "zk");

  @Test
  void aDenialIs403ListingEveryEnforcedFinding() {
    Verdict verdict =
        Verdict.of(
            List.of(
                finding("pdb-quorum", Mode.ENFORCE, "quorum needs 2 up"),
                finding("readiness-probe", Mode.WARN, "no readiness probe"),
                finding("parallel-pod-management", Mode.ENFORCE, "Parallel on a quorum set")));

    AdmissionResponse response = ReviewResponses.validation("u1", verdict).getResponse();

    assertThat(response.getUid()).isEqualTo("u1");
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(403);
    assertThat(response.getStatus().getMessage())
        .isEqualTo(
            "stateguard: 2 findings deny this request:\n"
                + "- [pdb-quorum] quorum needs 2 up (enforced by policy quorum-systems)\n"
                + "- [parallel-pod-management] Parallel on a quorum set (enforced by policy"
                + " quorum-systems)");
    assertThat(response.getWarnings()).containsExactly("[readiness-probe] no readiness probe");
  }

  @Test
  void auditFindingsAreNotAnswered() {
    Verdict verdict = Verdict.of(List.of(finding("image-tag", Mode.AUDIT, "latest tag")));

    AdmissionResponse response = ReviewResponses.validation("u2", verdict).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
    assertThat(response.getWarnings()).isNullOrEmpty();
  }

  @Test
  void warningsAreOneLineAndWholeWhenTheyFit() {
    String longMessage = "x".repeat(400);
    Verdict verdict =
        Verdict.of(
            List.of(
                finding("a", Mode.WARN, "first line\nsecond\tline\u001b[31m"),
                finding("b", Mode.WARN, longMessage)));

    List<String> warnings = ReviewResponses.warnings(verdict);

    assertThat(warnings).containsExactly("[a] first line second line [31m", "[b] " + longMessage);
  }

  @Test
  void warningsThatDoNotFitAreCutTo256Characters() {
    List<Finding> findings = new ArrayList<>();
    IntStream.range(0, 10).forEach(i -> findings.add(finding("r" + i, Mode.WARN, "z".repeat(500))));

    List<String> warnings = ReviewResponses.warnings(Verdict.of(findings));

    assertThat(warnings).hasSize(10).allSatisfy(w -> assertThat(w).hasSize(256).endsWith("…"));
  }

  @Test
  void tooManyWarningsEndInOneThatCountsTheRest() {
    List<Finding> findings = new ArrayList<>();
    IntStream.range(0, 40)
        .forEach(i -> findings.add(finding("rule-" + i, Mode.WARN, "y".repeat(200))));

    List<String> warnings = ReviewResponses.warnings(Verdict.of(findings));

    int total = warnings.stream().mapToInt(String::length).sum();
    assertThat(total).isLessThanOrEqualTo(ReviewResponses.MAX_WARNINGS_TOTAL);
    String last = warnings.get(warnings.size() - 1);
    int shown = warnings.size() - 1;
    assertThat(last)
        .isEqualTo(
            "[stateguard] "
                + (40 - shown)
                + " more warnings not shown (too many for one response): run stateguard report"
                + " on this object to see them all");
  }

  @Test
  void mutationCarriesTheBase64JsonPatch() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode op =
        json.readTree(
            "{\"op\":\"add\",\"path\":\"/spec/persistentVolumeClaimRetentionPolicy\","
                + "\"value\":{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Delete\"}}");

    AdmissionResponse response =
        ReviewResponses.mutation("u3", Patch.of(List.of(op))).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatchType()).isEqualTo("JSONPatch");
    assertThat(json.readTree(Base64.getDecoder().decode(response.getPatch())))
        .isEqualTo(json.createArrayNode().add(op));
  }

  @Test
  void mutationWithoutChangesHasNoPatch() {
    AdmissionResponse response = ReviewResponses.mutation("u4", Patch.EMPTY).getResponse();

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatch()).isNull();
    assertThat(response.getPatchType()).isNull();
  }

  private static Finding finding(String rule, Mode mode, String message) {
    return new Finding(rule, mode, message, "spec", SET, "quorum-systems");
  }
}
