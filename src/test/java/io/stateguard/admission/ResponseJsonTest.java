package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import io.stateguard.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ResponseJson} writes the webhook's answers byte for byte as the model's serializers do,
 * and leaves every other shape of review to them.
 */
class ResponseJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectRef SET = new ObjectRef("apps/v1", "StatefulSet", "data", "zk");

  static List<String> fixtures() {
    return ApiServerFixtures.names();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void writesTheAnswersToEachApiServerBodyAsTheModelDoes(String name) throws Exception {
    // Given the answers of /validate and /mutate to a body the API server sent
    LivePolicies policies = ApiServerFixtures.livePolicies();
    WebhookMetrics metrics = new WebhookMetrics(new SimpleMeterRegistry());
    List<AdmissionReview> answers = new ArrayList<>();
    for (Endpoint endpoint : Endpoint.values()) {
      AdmissionHandler handler =
          new AdmissionHandler(endpoint, policies, ApiServerFixtures.cluster(), metrics, null);
      answers.add(handler.processReview(ReviewCodec.decode(ApiServerFixtures.body(name))));
    }

    for (AdmissionReview answer : answers) {
      // When each is encoded, Then the bytes are the model's
      assertThat(ResponseJson.write(JSON.getFactory(), answer)).as("written here").isNotNull();
      assertThat(text(ReviewCodec.encode(answer)))
          .isEqualTo(text(ReviewCodec.encodeWithModel(answer)));
    }
  }

  @Test
  void writesDenialsWarningsExemptionsAndPatchesAsTheModelDoes() {
    // Given answers of every kind, with text that needs escaping
    Finding enforced =
        new Finding(
            "pdb-quorum",
            Mode.ENFORCE,
            "needs \"2\" up\nof 3 \u00e9 \ud83d\ude00 </x> \u0007",
            "spec",
            SET,
            "quorum");
    Finding warned = new Finding("image-tag", Mode.WARN, "tag latest\tmoves", "", SET, "");
    ObjectNode op = JSON.createObjectNode().put("op", "add").put("path", "/spec/x");
    op.putObject("value").put("a", 1);
    List<AdmissionReview> answers =
        List.of(
            ReviewResponses.validation("uid-1", Verdict.of(List.of(enforced, warned))),
            ReviewResponses.validation("uid-2", Verdict.of(List.of(warned))),
            ReviewResponses.validation("uid-3", Verdict.allow()),
            ReviewResponses.validation(
                "uid-4", Verdict.exempt(List.of(enforced), "break-glass (x): \"restore\"")),
            ReviewResponses.mutation("uid-5", Patch.of(List.of(op))),
            ReviewResponses.mutation("uid-6", Patch.of(List.of())),
            ReviewResponses.allowed("\u00e9\"uid"));

    for (AdmissionReview answer : answers) {
      // When each is encoded, Then the bytes are the model's
      assertThat(ResponseJson.write(JSON.getFactory(), answer)).as("written here").isNotNull();
      assertThat(text(ReviewCodec.encode(answer)))
          .isEqualTo(text(ReviewCodec.encodeWithModel(answer)));
    }
  }

  @Test
  void leavesOtherShapesToTheModel() {
    // Given reviews in shapes the webhook never answers with
    AdmissionReview withDetails = ReviewResponses.validation("u", Verdict.allow());
    withDetails.getResponse().setStatus(new io.fabric8.kubernetes.api.model.Status());
    withDetails.getResponse().getStatus().setDetails(new StatusDetails());
    AdmissionReview withAnnotations = ReviewResponses.allowed("u");
    withAnnotations.getResponse().setAuditAnnotations(Map.of("a", "b"));
    AdmissionReview withExtra = ReviewResponses.allowed("u");
    withExtra.getResponse().setAdditionalProperty("extra", 1);
    AdmissionReview withoutResponse = new AdmissionReview();
    AdmissionReview withEmptyResponse = new AdmissionReview();
    withEmptyResponse.setResponse(new AdmissionResponse());

    // Then the first four are refused here and all are encoded as the model encodes them
    for (AdmissionReview review :
        List.of(withDetails, withAnnotations, withExtra, withoutResponse)) {
      assertThat(ResponseJson.write(JSON.getFactory(), review)).isNull();
    }
    for (AdmissionReview review :
        List.of(withDetails, withAnnotations, withExtra, withoutResponse, withEmptyResponse)) {
      assertThat(text(ReviewCodec.encode(review)))
          .isEqualTo(text(ReviewCodec.encodeWithModel(review)));
    }
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }
}
