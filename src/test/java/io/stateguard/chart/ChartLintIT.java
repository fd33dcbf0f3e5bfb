package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code helm lint --strict} passes for the defaults and every {@code ci/} values file, and values
 * the chart cannot work with are refused before anything reaches a cluster: by the schema for the
 * wrong type or an unknown key, by the templates for combinations a schema cannot express.
 */
class ChartLintIT {

  private static final Path REFUSED = Path.of("src/test/resources/ChartLintIT/refused");
  private static final String EXPECT = "# refused: ";

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void lintsStrictly(Chart.ValueSet set, @TempDir Path work) throws IOException {
    // When
    LintResult result = Chart.lint(set, work);

    // Then
    assertThat(result.isFailed())
        .as("helm lint --strict with %s: %s", set, result.getMessages())
        .isFalse();
    assertThat(result.getMessages())
        .as("lint findings above INFO with %s", set)
        .allSatisfy(m -> assertThat(m).startsWith("[INFO]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void notesSayWhatWasInstalledHowToCheckItAndHowToRemoveIt(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    String deployment = rendered.one(Deployment.class).getMetadata().getName();
    Map<String, String> labels =
        rendered.one(ValidatingWebhookConfiguration.class).getMetadata().getLabels();

    // When
    String notes = Chart.notes(set);

    // Then
    assertThat(notes)
        .contains("Deployment/" + deployment)
        .contains("kubectl -n " + Chart.NAMESPACE + " rollout status deployment/" + deployment)
        .contains("Turn enforcement on")
        .contains(
            "kubectl delete validatingwebhookconfiguration,mutatingwebhookconfiguration -l"
                + " app.kubernetes.io/instance="
                + labels.get("app.kubernetes.io/instance")
                + ",app.kubernetes.io/name="
                + labels.get("app.kubernetes.io/name"))
        .contains("helm uninstall " + Chart.RELEASE + " -n " + Chart.NAMESPACE);
  }

  @Test
  void everyCertificateModeAndFailurePolicyHasAValuesFileUnderTest() {
    // Given the chart is only tested with what ci/ holds
    List<Chart.ValueSet> sets = Chart.valueSets();

    // Then each certificate mode and each failure policy is rendered by some file
    assertThat(sets.stream().map(s -> s.at("/certificates/mode").asText()).distinct())
        .containsExactlyInAnyOrder("certManager", "provided", "self");
    assertThat(sets.stream().map(s -> s.at("/webhooks/validate/failurePolicy").asText()))
        .contains("Fail", "Ignore");
    assertThat(sets.stream().map(s -> s.at("/podGuard/enabled").asBoolean())).contains(true, false);
  }

  static List<Path> refusedValues() throws IOException {
    try (Stream<Path> files = Files.list(REFUSED)) {
      return files.sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedValues")
  void refusesValuesItCannotWorkWithAndSaysWhy(Path file) throws IOException {
    // Given a values file that declares the message it must be refused with
    List<String> expected =
        Files.readAllLines(file).stream()
            .filter(l -> l.startsWith(EXPECT))
            .map(l -> l.substring(EXPECT.length()))
            .toList();
    assertThat(expected).as("%s declares no '%s' line", file, EXPECT.strip()).isNotEmpty();

    // When / Then
    assertThatThrownBy(() -> Chart.template(file))
        .as("helm template with %s", file.getFileName())
        .isInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(expected));
  }
}
