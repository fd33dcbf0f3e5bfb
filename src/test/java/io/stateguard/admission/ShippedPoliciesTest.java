package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import io.stateguard.report.Loaded;
import io.stateguard.report.Manifest;
import io.stateguard.report.ObjectReport;
import io.stateguard.report.ReportRunner;
import io.stateguard.report.SourceLocation;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped policies ({@code policies/}) and every rule, on the API server's own bodies: the
 * webhook (mutated by {@code /mutate}, then validated by {@code /validate}, as the API server calls
 * them) gives each object the verdict {@code stateguard report} gives the same object, which is the
 * promise that a report predicts what the cluster will say.
 */
class ShippedPoliciesTest {

  private static final Path SHIPPED = Path.of("policies");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "statefulset-create.json",
        "statefulset-create-denied.json",
        "statefulset-update.json",
        "pdb-create.json"
      })
  void webhookAndReportAgreeOnEachObject(String name) throws Exception {
    LivePolicies policies = LivePolicies.load(SHIPPED, Rules.all(), Mutations.all());
    HasMetadata object =
        ReviewCodec.request(ReviewCodec.decode(ApiServerFixtures.body(name)))
            .admission()
            .orElseThrow()
            .subject();
    ClusterView view = ManifestClusterView.of(List.of(object));
    WebhookMetrics metrics = new WebhookMetrics(new SimpleMeterRegistry());
    AdmissionHandler mutate = new AdmissionHandler(Endpoint.MUTATE, policies, view, metrics, null);
    AdmissionHandler validate =
        new AdmissionHandler(Endpoint.VALIDATE, policies, view, metrics, null);

    // As the API server does: /mutate, its patch applied, then /validate on the result.
    AdmissionResponse mutation =
        mutate.processReview(ReviewCodec.decode(ApiServerFixtures.body(name))).getResponse();
    ObjectNode review = ApiServerFixtures.tree(name);
    if (mutation.getPatch() != null) {
      JsonNode patch = JSON.readTree(Base64.getDecoder().decode(mutation.getPatch()));
      ObjectNode request = (ObjectNode) review.get("request");
      request.set("object", JsonPatch.apply(patch, request.get("object")));
    }
    AdmissionResponse answer =
        validate.processReview(ReviewCodec.decode(ApiServerFixtures.bytes(review))).getResponse();
    ObjectReport report = report(policies.engine(), object);

    assertThat(answer.getAllowed()).as("allowed").isEqualTo(report.allowed());
    Set<String> denying =
        answer.getStatus() == null
            ? Set.of()
            : ProcessReviewTest.ruleIds(answer.getStatus().getMessage());
    assertThat(denying).as("denying rules").isEqualTo(ids(report, Mode.ENFORCE));
    Set<String> warning =
        answer.getWarnings() == null
            ? Set.of()
            : ProcessReviewTest.ruleIds(String.join("\n", answer.getWarnings()));
    assertThat(warning).as("warning rules").isEqualTo(ids(report, Mode.WARN));
  }

  private static ObjectReport report(PolicyEngine engine, HasMetadata object) {
    Loaded loaded =
        new Loaded(
            List.of(new Manifest(object, new SourceLocation("fixture.yaml", 1))),
            List.of(),
            Map.of());
    List<ObjectReport> objects = new ReportRunner(engine).run(loaded).objects();
    assertThat(objects).hasSize(1);
    return objects.get(0);
  }

  private static Set<String> ids(ObjectReport report, Mode mode) {
    return report.findings().stream()
        .filter(f -> f.mode() == mode)
        .map(Finding::rule)
        .collect(Collectors.toSet());
  }
}
