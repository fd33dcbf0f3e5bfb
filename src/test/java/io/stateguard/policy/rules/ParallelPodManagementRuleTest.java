package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
import static io.stateguard.policy.rules.StatefulSetFixtures.quorumSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParallelPodManagementRuleTest {

  private final ParallelPodManagementRule rule = new ParallelPodManagementRule();

  private static StatefulSet parallel(StatefulSet set) {
    set.getSpec().setPodManagementPolicy("Parallel");
    return set;
  }

  @Test
  void reportsParallelPodManagementOnQuorumWorkload() {
    // Given a quorum set of 3 that starts its members in parallel
    StatefulSet set = parallel(quorumSet(3));

    // When the rule checks it
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then it names the set, the member count, the bootstrap risk and the fix
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("parallel-pod-management");
              assertThat(f.field()).isEqualTo("spec.podManagementPolicy");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk is a quorum workload with podManagementPolicy:"
                          + " Parallel: all 3 members start at once, each before its peers are"
                          + " ready, so systems that form their membership at start can race while"
                          + " they bootstrap; use podManagementPolicy: OrderedReady (the default),"
                          + " or annotate the set stateguard.io/break-glass: \"<reason>\" to"
                          + " override");
            });
  }

  @Test
  void acceptsOrderedReadyOnQuorumWorkload() {
    // Given a quorum set with the API default OrderedReady
    StatefulSet set = quorumSet(3);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void treatsUnsetPodManagementPolicyAsOrderedReady() {
    // Given a raw quorum manifest with no podManagementPolicy (and hardly anything else)
    StatefulSet set =
        RuleHarness.parse(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: zk
              namespace: data
              labels: {stateguard.io/class: quorum}
            spec:
              serviceName: zk
            """,
            StatefulSet.class);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void reportsSingleMemberQuorumSetForItsScaleUps() {
    // Given a quorum set of 1 that starts members in parallel
    StatefulSet set = parallel(quorumSet(1));

    // When / Then: one member bootstraps alone, but members added later start together
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("new members start at once when it scales up");
  }

  @Test
  void survivesSetWithoutSpec() {
    // Given a quorum set with no spec at all
    StatefulSet set = quorumSet(3);
    set.setSpec(null);

    // When / Then: no exception, nothing to report
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void ignoresParallelPodManagementOnDefaultClassWorkload() {
    // Given a set without the quorum class that starts in parallel (a cache, a Kafka broker pool)
    StatefulSet set = parallel(defaultClassSet(3));

    // When / Then: parallel start is fine for it
    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void deniesParallelPodManagementOnQuorumWorkloadByDefault() {
    // Given a policy that leaves the rule at its default mode
    StatefulSet set = parallel(quorumSet(3));

    // When
    Verdict verdict =
        RuleHarness.verdict(rule, set, ClusterView.empty(), StatefulSetFixtures.defaultModes());

    // Then the default is enforce: the create is denied
    assertThat(rule.info().defaultMode()).isEqualTo(Mode.ENFORCE);
    assertThat(verdict.allowed()).isFalse();
    assertThat(verdict.violations()).hasSize(1);
  }

  @Test
  void allowsWithWarningWhenPolicySetsWarn() {
    // Given a policy that sets the rule to warn
    StatefulSet set = parallel(quorumSet(3));

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            set,
            ClusterView.empty(),
            RuleHarness.policy(rule, Mode.WARN, Map.of(), Set.of()));

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.warnings()).singleElement().extracting(Finding::mode).isEqualTo(Mode.WARN);
  }

  @Test
  void allowsUpdateOfSetThatWasAlreadyParallel() {
    // Given an existing quorum set created with Parallel, now getting a new image
    StatefulSet old = parallel(quorumSet(3));
    StatefulSet updated = parallel(quorumSet(3));
    updated.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("zk:2.0");

    // When
    Verdict verdict =
        StatefulSetFixtures.update(rule, old, updated, RuleHarness.policy(rule, Map.of()));

    // Then the update is not blocked: the field is immutable, so denying fixes nothing
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).isEmpty();
  }

  @Test
  void deniesUpdateThatIntroducesParallel() {
    // Given an update whose old object was OrderedReady (the API server would also refuse it)
    StatefulSet old = quorumSet(3);
    StatefulSet updated = parallel(quorumSet(3));

    // When
    Verdict verdict =
        StatefulSetFixtures.update(rule, old, updated, RuleHarness.policy(rule, Map.of()));

    // Then
    assertThat(verdict.allowed()).isFalse();
  }
}
