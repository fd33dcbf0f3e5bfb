package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.quorumSet;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScaleDownRuleTest {

  private final ScaleDownRule rule = new ScaleDownRule();

  @Test
  void deniesAQuorumSetLosingMoreMembersThanItsQuorumSpares() {
    // Given: 5 members tolerate losing 2; the update removes 3
    StatefulSet old = quorumSet("zk", 5);
    StatefulSet updated = scaled(old, 2);

    // When
    Verdict verdict = scale(old, updated, enforce(Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("scale-down");
              assertThat(f.field()).isEqualTo("spec.replicas");
              assertThat(f.object().toString()).isEqualTo("statefulset data/zk");
              assertThat(f.message())
                  .isEqualTo(
                      "scaling statefulset data/zk from 5 to 2 replicas removes 3 members at"
                          + " once; the 2 left still count 5 members until the membership is"
                          + " reconfigured, and a quorum of 5 needs 3 (quorum size majority): the"
                          + " system stops accepting writes; scale down by at most 2 at a time"
                          + " (to 3), letting the membership follow each step, or to accept it,"
                          + " annotate the set stateguard.io/break-glass: \"<reason>\" in the"
                          + " same update");
            });
  }

  @ParameterizedTest(name = "{0} -> {1} replicas: violation {2}")
  @CsvSource({
    "5, 4, false",
    "5, 3, false",
    "5, 2, true",
    "5, 0, true",
    "4, 3, false",
    "4, 2, true",
    "3, 2, false",
    "3, 1, true",
    "2, 1, true",
    "1, 0, true",
    "3, 3, false",
    "3, 5, false",
    "0, 3, false"
  })
  void allowsOneStepToRemoveAtMostWhatTheOldQuorumSpares(int before, int after, boolean violation) {
    // Given
    StatefulSet old = quorumSet("zk", before);

    // When
    Verdict verdict = scale(old, scaled(old, after), enforce(Map.of()));

    // Then
    assertThat(verdict.findings()).as("%d -> %d", before, after).hasSize(violation ? 1 : 0);
  }

  @Test
  void deniesScalingAQuorumSetToZero() {
    // Given
    StatefulSet old = quorumSet("zk", 3);

    // When
    Verdict verdict = scale(old, scaled(old, 0), enforce(Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .containsExactly(
            "scaling statefulset data/zk from 3 to 0 replicas stops every member of a quorum"
                + " workload at once: it serves nothing until it is scaled back; to stop it on"
                + " purpose, annotate the set stateguard.io/break-glass: \"<reason>\" in the same"
                + " update");
  }

  @Test
  void tellsASetThatCannotSpareAMemberToReconfigureFirst() {
    // Given: a majority of 2 is 2, so 2 members spare none
    StatefulSet old = quorumSet("zk", 2);

    // When
    Verdict verdict = scale(old, scaled(old, 1), enforce(Map.of()));

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .containsExactly(
            "scaling statefulset data/zk from 2 to 1 replicas removes 1 member at once; the 1"
                + " left still count 2 members until the membership is reconfigured, and a quorum"
                + " of 2 needs 2 (quorum size majority): the system stops accepting writes; at 2"
                + " replicas no member can go without losing quorum: reconfigure the membership to"
                + " 1 first, then to scale, annotate the set stateguard.io/break-glass:"
                + " \"<reason>\" in the same update");
  }

  @Test
  void judgesWithThePolicysQuorumSize() {
    // Given: a fixed quorum of 2 lets 5 members lose 3
    StatefulSet old = quorumSet("zk", 5);
    Policy fixedQuorum = withQuorum(QuorumSize.parse("2"));

    // When
    Verdict fiveToTwo = scale(old, scaled(old, 2), fixedQuorum);
    Verdict fiveToOne = scale(old, scaled(old, 1), fixedQuorum);

    // Then
    assertThat(fiveToTwo.findings()).isEmpty();
    assertThat(fiveToOne.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains("a quorum of 5 needs 2 (quorum size 2)", "scale down by at most 3 at a time");
  }

  @Test
  void allowsTheScaleDownWithBreakGlassAndKeepsTheFinding() {
    // Given
    StatefulSet old = quorumSet("zk", 5);
    StatefulSet updated =
        new StatefulSetBuilder(scaled(old, 2))
            .editMetadata()
            .addToAnnotations("stateguard.io/break-glass", "INC-42: retire the old ensemble")
            .endMetadata()
            .build();

    // When
    Verdict verdict = scale(old, updated, enforce(Map.of()));

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.exemption()).get().asString().contains("INC-42");
    assertThat(verdict.findings()).extracting(Finding::rule).containsExactly("scale-down");
  }

  @Test
  void pointsToThePolicyWhenBreakGlassIsTurnedOff() {
    // Given
    StatefulSet old = quorumSet("zk", 3);
    Policy noBreakGlass =
        new Policy(
            "strict",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(rule.id(), new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of())),
            new Policy.Exemptions(List.of(), List.of(), List.of(), List.of(), ""));

    // When
    Verdict verdict = scale(old, scaled(old, 0), noBreakGlass);

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .endsWith(
            "to stop it on purpose, set the mode of scale-down for this workload in its policy");
  }

  @Test
  void saysThatWhenScaledDeleteDeletesTheRemovedMembersData() {
    // Given
    StatefulSet old =
        new StatefulSetBuilder(quorumSet("zk", 5))
            .editSpec()
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .endVolumeClaimTemplate()
            .withNewPersistentVolumeClaimRetentionPolicy()
            .withWhenDeleted("Retain")
            .withWhenScaled("Delete")
            .endPersistentVolumeClaimRetentionPolicy()
            .endSpec()
            .build();

    // When
    Verdict verdict = scale(old, scaled(old, 1), enforce(Map.of()));

    // Then
    assertThat(verdict.findings())
        .extracting(Finding::message)
        .singleElement()
        .asString()
        .contains(
            "the system stops accepting writes, and persistentVolumeClaimRetentionPolicy"
                + ".whenScaled: Delete deletes the PersistentVolumeClaims of the 4 removed"
                + " members with their data;");
  }

  @Test
  void reportsADatabaseScaledToZeroOnly() {
    // Given
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);

    // When
    Verdict toOne = scale(pg, scaled(pg, 1), enforce(Map.of()));
    Verdict toZero = scale(pg, scaled(pg, 0), enforce(Map.of()));

    // Then: a database losing replicas loses capacity, not correctness
    assertThat(toOne.findings()).isEmpty();
    assertThat(toZero.findings())
        .extracting(Finding::message)
        .containsExactly(
            "scaling statefulset data/pg from 3 to 0 replicas stops every member of a workload"
                + " of class database: its clients lose it until it is scaled back; to stop it"
                + " on purpose, annotate the set stateguard.io/break-glass: \"<reason>\" in the"
                + " same update");
  }

  @Test
  void leavesCachesAndUnclassifiedSetsAlone() {
    // Given
    StatefulSet redis = statefulSet("redis", 3, WorkloadClass.CACHE);
    StatefulSet app = statefulSet("app", 3, WorkloadClass.DEFAULT);

    // Then
    assertThat(scale(redis, scaled(redis, 0), enforce(Map.of())).findings()).isEmpty();
    assertThat(scale(app, scaled(app, 0), enforce(Map.of())).findings()).isEmpty();
  }

  @Test
  void zeroClassesChoosesWhichOtherClassesMayNotStop() {
    // Given
    StatefulSet pg = statefulSet("pg", 3, WorkloadClass.DATABASE);
    StatefulSet redis = statefulSet("redis", 3, WorkloadClass.CACHE);
    Policy cachesOnly = enforce(Map.of(ScaleDownRule.ZERO_CLASSES, List.of("cache")));

    // Then
    assertThat(scale(pg, scaled(pg, 0), cachesOnly).findings()).isEmpty();
    assertThat(scale(redis, scaled(redis, 0), cachesOnly).findings()).hasSize(1);
  }

  @Test
  void neverReportsACreate() {
    // Given: nothing to lose yet
    StatefulSet zk = quorumSet("zk", 0);

    // Then
    assertThat(RuleHarness.check(rule, zk)).isEmpty();
  }

  @Test
  void warnsByDefault() {
    // Given: a policy that leaves the rule at its default mode
    StatefulSet old = quorumSet("zk", 5);
    Policy defaults =
        new Policy(
            "defaults",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.empty(),
            Map.of(),
            Policy.Exemptions.NONE);

    // When
    Verdict verdict = scale(old, scaled(old, 1), defaults);

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).extracting(Finding::mode).containsExactly(Mode.WARN);
  }

  private Verdict scale(StatefulSet old, StatefulSet updated, Policy policy) {
    ClusterView view = view(old);
    return RuleHarness.update(rule, old, updated, view, policy);
  }

  private Policy enforce(Map<String, Object> params) {
    return RuleHarness.policy(rule, Mode.ENFORCE, params, Set.of());
  }

  private Policy withQuorum(QuorumSize quorum) {
    return new Policy(
        "fixed",
        "test",
        0,
        Policy.Match.ALL,
        List.of(),
        Optional.of(quorum),
        Map.of(rule.id(), new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of())),
        Policy.Exemptions.NONE);
  }

  private static StatefulSet scaled(StatefulSet set, int replicas) {
    return new StatefulSetBuilder(set).editSpec().withReplicas(replicas).endSpec().build();
  }
}
