package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.rules.Rules;
import io.stateguard.report.Loaded;
import io.stateguard.report.Manifest;
import io.stateguard.report.ObjectReport;
import io.stateguard.report.ReportRunner;
import io.stateguard.report.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped policies ({@code policies/}) and every rule, on the API server's own bodies: the
 * webhook gives each object the verdict {@code stateguard report} gives the same object, which is
 * the promise that a report predicts what the cluster will say.
 */
class ShippedPoliciesTest {

  private static final Path SHIPPED = Path.of("policies");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "statefulset-create.json",
        "statefulset-create-denied.json",
        "statefulset-update.json",
        "pdb-create.json"
      })
  void webhookAndReportAgreeOnEachObject(String name) throws Exception {
    LivePolicies policies = LivePolicies.load(SHIPPED, Rules.all());
    AdmissionReview review = ReviewCodec.decode(ApiServerFixtures.body(name));
    HasMetadata object = ReviewCodec.request(review).admission().orElseThrow().subject();
    AdmissionHandler handler =
        new AdmissionHandler(
            Endpoint.VALIDATE,
            policies,
            ManifestClusterView.of(List.of(object)),
            new WebhookMetrics(new SimpleMeterRegistry()),
            null);

    AdmissionResponse answer = handler.processReview(review).getResponse();
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
