package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Defaults;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A report decides as the API server does: mutate, then validate the mutated object. */
class ReportRunnerMutationTest {

  private static final Path DIR = Path.of("src/test/resources/ReportRunnerMutationTest");
  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyEngine engine;

  @BeforeEach
  void loadThePolicy() throws Exception {
    engine =
        new PolicyEngine(
            PolicyLoader.load(
                    DIR.resolve("policy.yaml"),
                    Rules.all().stream().map(Rule::info).toList(),
                    Mutations.all().stream().map(Mutation::info).toList())
                .policySet(),
            Rules.all(),
            Mutations.all());
  }

  private static Loaded manifests() {
    return new ManifestLoader("shop")
        .load(List.of(DIR.resolve("manifests.yaml").toString()), InputStream.nullInputStream());
  }

  private static ObjectReport set(Report report) {
    return report.objects().stream()
        .filter(o -> o.object().kind().equals("StatefulSet"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void admitsTheSetOnceMutated() {
    // When the manifests are reported on, mutating first (the default)
    Report report = new ReportRunner(engine).run(manifests());

    // Then the set is allowed, with the mutations and the patch that made it so
    ObjectReport set = set(report);
    assertThat(set.allowed()).isTrue();
    assertThat(set.findings()).extracting(f -> f.rule()).doesNotContain("anti-affinity");
    assertThat(set.mutations()).containsExactly("pvc-retention", "anti-affinity");
    assertThat(set.patch().toString())
        .contains("\"path\":\"/spec/template/spec/affinity\"")
        .contains(
            "\"op\":\"replace\",\"path\":\"/spec/persistentVolumeClaimRetentionPolicy/whenScaled\"");
    assertThat(set.rulesChecked()).contains("anti-affinity");
    ObjectReport pdb = report.objects().get(1);
    assertThat(pdb.mutated()).as("a PDB is never mutated").isFalse();
  }

  @Test
  void withoutMutationValidatesTheManifestAsWritten() {
    // When the same manifests are reported on with mutation off
    Report report = new ReportRunner(engine, false).run(manifests());

    // Then anti-affinity denies the set, and there is no patch
    ObjectReport set = set(report);
    assertThat(set.allowed()).isFalse();
    assertThat(set.findings()).extracting(f -> f.rule()).contains("anti-affinity");
    assertThat(set.mutated()).isFalse();
    assertThat(set.mutations()).isEmpty();
  }

  @Test
  void handsOverTheManifestAsWrittenPlusWhatTheMutationsAdd() throws Exception {
    // When the report also asks for the patched manifests
    List<PatchedManifest> patched = new ArrayList<>();
    Report report =
        new ReportRunner(engine).run(manifests(), (admission, verdict, took) -> {}, patched::add);

    // Then it gets the changed set only, without the API server's defaults but with the mutations
    assertThat(patched).hasSize(1);
    PatchedManifest manifest = patched.get(0);
    assertThat(manifest.object().qualifiedName()).isEqualTo("shop/pg");
    assertThat(manifest.mutations()).containsExactly("pvc-retention", "anti-affinity");
    JsonNode written = JSON.valueToTree(manifest.manifest());
    assertThat(written.at("/spec/podManagementPolicy").isMissingNode())
        .as("an API default the manifest does not say")
        .isTrue();
    assertThat(written.at("/spec/persistentVolumeClaimRetentionPolicy"))
        .isEqualTo(JSON.readTree("{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Delete\"}"));
    assertThat(written.at("/metadata/annotations/stateguard.io~1mutated").asText())
        .isEqualTo("pvc-retention,anti-affinity");

    // And that manifest, applied by the API server, would be stored as the report's mutated object
    StatefulSet applied = Defaults.apply(JSON.treeToValue(written, StatefulSet.class));
    StatefulSet defaulted = Defaults.apply(JSON.treeToValue(readSet(), StatefulSet.class));
    JsonNode appliedTree = JSON.valueToTree(applied);
    JsonNode defaultedTree = JSON.valueToTree(defaulted);
    assertThat(appliedTree).isEqualTo(set(report).patch().applyTo(defaultedTree));
  }

  @Test
  void handsOverNothingWhenMutationIsOff() {
    List<PatchedManifest> patched = new ArrayList<>();

    new ReportRunner(engine, false)
        .run(manifests(), (admission, verdict, took) -> {}, patched::add);

    assertThat(patched).isEmpty();
  }

  private static JsonNode readSet() throws Exception {
    Loaded loaded = manifests();
    JsonNode set = JSON.valueToTree(loaded.manifests().get(0).object());
    assertThat(set.path("kind").asText()).isEqualTo("StatefulSet");
    return set;
  }

  @Test
  void theFixtureIsReadable() throws Exception {
    assertThat(Files.readString(DIR.resolve("manifests.yaml"))).contains("kind: StatefulSet");
    assertThat(manifests().problems()).isEmpty();
  }
}
