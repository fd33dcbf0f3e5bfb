package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.PodTemplates.withAnnotation;
import static io.stateguard.policy.rules.PodTemplates.withClass;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PvcRetentionRuleTest {

  private final PvcRetentionRule rule = new PvcRetentionRule();

  private static StatefulSet retention(StatefulSet set, String whenDeleted, String whenScaled) {
    set.getSpec()
        .setPersistentVolumeClaimRetentionPolicy(
            new StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted, whenScaled));
    return set;
  }

  @Test
  void acceptsTheCleanSet() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void deniesDeleteOnSetDeletionWithoutBackups() {
    // Given a database set whose claims are deleted with it, and no backup annotation
    StatefulSet set = retention(PodTemplates.clean(), "Delete", "Retain");

    // When
    Verdict verdict = RuleHarness.verdict(rule, set, ClusterView.empty(), policy(Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings()).singleElement().satisfies(this::isDeleteFinding);
    assertThat(verdict.findings().get(0).message())
        .contains("declares no backups")
        .contains("destroys the data of all 3 members")
        .contains("set whenDeleted: Retain")
        .contains("stateguard.io/backup: \"<where the backups are>\"");
  }

  @Test
  void acceptsDeleteWhenTheBackupAnnotationSaysWhere() {
    StatefulSet set =
        withAnnotation(
            retention(PodTemplates.clean(), "Delete", "Retain"),
            "stateguard.io/backup",
            "s3://backups/pg, nightly base backup + WAL archive");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "true", "Yes", "enabled", "none", "TBD"})
  void reportsABackupAnnotationThatDoesNotSayWhere(String value) {
    StatefulSet set =
        withAnnotation(
            retention(PodTemplates.clean(), "Delete", "Retain"), "stateguard.io/backup", value);

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(findings).singleElement().satisfies(this::isDeleteFinding);
    assertThat(findings.get(0).message())
        .contains("stateguard.io/backup: \"" + value + "\" does not say where the backups are");
  }

  @Test
  void readsTheBackupAnnotationNamedByTheParameter() {
    // Given the default annotation, but a policy that names another one
    StatefulSet set =
        withAnnotation(
            retention(PodTemplates.clean(), "Delete", "Retain"),
            "stateguard.io/backup",
            "s3://backups/pg");

    // When
    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("backupAnnotation", "backup.example.com/location"));

    // Then the default annotation does not count, and the message names the policy's
    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains("annotate the set backup.example.com/location: \"<where the backups are>\"");
  }

  @Test
  void acceptsTheBackupAnnotationNamedByTheParameter() {
    StatefulSet set =
        withAnnotation(
            retention(PodTemplates.clean(), "Delete", "Retain"),
            "backup.example.com/location",
            "velero schedule pg-nightly");

    assertThat(
            RuleHarness.check(rule, set, Map.of("backupAnnotation", "backup.example.com/location")))
        .isEmpty();
  }

  @Test
  void acceptsDeleteOnARebuildableCache() {
    StatefulSet set =
        withClass(retention(PodTemplates.clean(), "Delete", "Delete"), WorkloadClass.CACHE);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsDeleteOnACacheWhenThePolicyCallsNoClassRebuildable() {
    StatefulSet set =
        withClass(retention(PodTemplates.clean(), "Delete", "Delete"), WorkloadClass.CACHE);

    List<Finding> findings = RuleHarness.check(rule, set, Map.of("rebuildableClasses", List.of()));

    assertThat(findings).singleElement().satisfies(this::isDeleteFinding);
  }

  @Test
  void reportsScaledRetainOnACacheWithTheApiServerDefaults() {
    // Given a cache with the policy the API server defaults to
    StatefulSet set =
        withClass(retention(PodTemplates.clean(), "Retain", "Retain"), WorkloadClass.CACHE);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.field()).isEqualTo("spec.persistentVolumeClaimRetentionPolicy.whenScaled");
    assertThat(f.message())
        .startsWith("statefulset data/pg keeps the PersistentVolumeClaims of removed members")
        .contains("whenScaled: Retain")
        .contains("stale data")
        .contains("class cache")
        .endsWith("set whenScaled: Delete");
  }

  @Test
  void acceptsScaledRetainOnADatabaseByDefault() {
    // Retaining a database member's volume on scale-down is the safe choice, not a finding.
    StatefulSet set = retention(PodTemplates.clean(), "Retain", "Retain");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsScaledRetainOnEveryClassThePolicyNames() {
    StatefulSet set = retention(PodTemplates.clean(), "Retain", "Retain");

    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("scaledRetainClasses", List.of("database")));

    assertThat(PodTemplates.fields(findings))
        .containsExactly("spec.persistentVolumeClaimRetentionPolicy.whenScaled");
  }

  @Test
  void anEmptyScaledRetainClassListTurnsTheScaleCheckOff() {
    StatefulSet set =
        withClass(retention(PodTemplates.clean(), "Retain", "Retain"), WorkloadClass.CACHE);

    assertThat(RuleHarness.check(rule, set, Map.of("scaledRetainClasses", List.of()))).isEmpty();
  }

  @Test
  void reportsBothProblemsWithDistinctMessages() {
    StatefulSet set =
        withClass(retention(PodTemplates.clean(), "Delete", "Retain"), WorkloadClass.CACHE);

    List<Finding> findings = RuleHarness.check(rule, set, Map.of("rebuildableClasses", List.of()));

    assertThat(PodTemplates.fields(findings))
        .containsExactlyInAnyOrder(
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
            "spec.persistentVolumeClaimRetentionPolicy.whenScaled");
    assertThat(findings.get(0).message()).isNotEqualTo(findings.get(1).message());
  }

  @Test
  void readsAnAbsentPolicyAsTheApiServerDefaultRetainRetain() {
    StatefulSet database = PodTemplates.clean();
    database.getSpec().setPersistentVolumeClaimRetentionPolicy(null);
    StatefulSet cache = withClass(PodTemplates.clean(), WorkloadClass.CACHE);
    cache.getSpec().setPersistentVolumeClaimRetentionPolicy(null);

    assertThat(RuleHarness.check(rule, database)).isEmpty();
    assertThat(PodTemplates.fields(RuleHarness.check(rule, cache)))
        .containsExactly("spec.persistentVolumeClaimRetentionPolicy.whenScaled");
  }

  @Test
  void ignoresTheRetentionPolicyOfASetWithoutClaimTemplates() {
    // The policy governs only claims created from templates: there are none to lose.
    StatefulSet set = retention(PodTemplates.clean(), "Delete", "Retain");
    set.getSpec().setVolumeClaimTemplates(null);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void countsASingleMemberInTheSingular() {
    StatefulSet set = retention(PodTemplates.clean(), "Delete", "Retain");
    set.getSpec().setReplicas(1);

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("destroys the data of all 1 member;");
  }

  @Test
  void reportsTheSetTheApiServerDefaulted() throws IOException {
    // Given the object a real API server sent for a set created with whenDeleted: Delete
    StatefulSet set = RuleHarness.parse(resource("defaulted-by-apiserver.json"), StatefulSet.class);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement().satisfies(this::isDeleteFinding);
    assertThat(findings.get(0).message()).startsWith("statefulset demo/web deletes");
  }

  private void isDeleteFinding(Finding f) {
    assertThat(f.rule()).isEqualTo("pvc-retention");
    assertThat(f.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(f.field()).isEqualTo("spec.persistentVolumeClaimRetentionPolicy.whenDeleted");
    assertThat(f.message()).contains("whenDeleted: Delete");
  }

  private Policy policy(Map<String, Object> params) {
    return RuleHarness.policy(rule, params);
  }

  private static String resource(String name) {
    try (InputStream in =
        PvcRetentionRuleTest.class.getResourceAsStream("/PvcRetentionRuleTest/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
