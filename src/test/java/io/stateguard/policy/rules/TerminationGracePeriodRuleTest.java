package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.StatefulSetFixtures.defaultClassSet;
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

class TerminationGracePeriodRuleTest {

  private final TerminationGracePeriodRule rule = new TerminationGracePeriodRule();

  private static StatefulSet withGrace(Long seconds) {
    StatefulSet set = defaultClassSet(3);
    set.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(seconds);
    return set;
  }

  @Test
  void reportsKubernetesDefaultGracePeriodBelowMinimum() {
    // Given the API server's default of 30 s
    StatefulSet set = withGrace(30L);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then the message has both numbers, the consequence and the field to change
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("termination-grace-period");
              assertThat(f.field()).isEqualTo("spec.template.spec.terminationGracePeriodSeconds");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/web gives its pods terminationGracePeriodSeconds: 30 (30"
                          + " s, the Kubernetes default when the field is not set), below the"
                          + " minimum of 60: a member still shutting down after 30 s is killed and"
                          + " restarts into crash recovery; set"
                          + " spec.template.spec.terminationGracePeriodSeconds to 60 or more");
            });
  }

  @Test
  void treatsUnsetGracePeriodAsThirtySeconds() {
    // Given a raw manifest that does not set the grace period
    StatefulSet set = withGrace(null);

    // When / Then: it is the API default of 30, and the message says where 30 comes from
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("terminationGracePeriodSeconds: 30 (30 s, the Kubernetes default");
  }

  @Test
  void explainsThirtySecondsAsTheDefaultWhenTheServerFilledItIn() {
    // Given a set as the API server defaulted it: the field holds 30 though nobody wrote it
    StatefulSet set = withGrace(30L);

    // When / Then: the user still learns why it is 30
    assertThat(RuleHarness.check(rule, set))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains(
            "terminationGracePeriodSeconds: 30 (30 s, the Kubernetes default when the field"
                + " is not set), below the minimum of 60");
  }

  @Test
  void doesNotCallAnotherValueTheDefault() {
    assertThat(RuleHarness.check(rule, withGrace(45L)))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("terminationGracePeriodSeconds: 45, below the minimum of 60")
        .doesNotContain("default");
  }

  @Test
  void treatsMissingPodSpecAsThirtySeconds() {
    // Given a set with no pod template at all
    StatefulSet set = defaultClassSet(3);
    set.getSpec().setTemplate(null);

    // When / Then: no exception; the default grace period is still too short
    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void acceptsGracePeriodAtTheMinimum() {
    assertThat(RuleHarness.check(rule, withGrace(60L))).isEmpty();
  }

  @Test
  void reportsGracePeriodJustBelowTheMinimum() {
    assertThat(RuleHarness.check(rule, withGrace(59L))).hasSize(1);
  }

  @Test
  void reportsZeroGracePeriod() {
    assertThat(RuleHarness.check(rule, withGrace(0L)))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("terminationGracePeriodSeconds: 0,");
  }

  @Test
  void honoursMinSecondsFromThePolicy() {
    // Given a policy that asks for at least 300 s
    Map<String, Object> params = Map.of("minSeconds", 300);

    // When / Then: 120 s is now too short, 300 s is enough, and the message has the policy's number
    assertThat(RuleHarness.check(rule, withGrace(120L), params))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("below the minimum of 300")
        .contains("to 300 or more");
    assertThat(RuleHarness.check(rule, withGrace(300L), params)).isEmpty();
  }

  @Test
  void acceptsShortGracePeriodWhenPolicyLowersMinimum() {
    // Given a cache whose policy accepts the Kubernetes default
    assertThat(RuleHarness.check(rule, withGrace(30L), Map.of("minSeconds", 30))).isEmpty();
  }

  @Test
  void appliesToEveryWorkloadClass() {
    // Given a quorum set with the default grace period
    StatefulSet set = StatefulSetFixtures.quorumSet(3);
    set.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(30L);

    // When / Then
    assertThat(RuleHarness.check(rule, set)).hasSize(1);
  }

  @Test
  void warnsByDefaultAndDeniesWhenEnforced() {
    // Given a grace period below the minimum
    StatefulSet set = withGrace(30L);

    // When it is checked in its default mode, and under a policy that enforces it
    Verdict byDefault =
        RuleHarness.verdict(rule, set, ClusterView.empty(), StatefulSetFixtures.defaultModes());
    Verdict enforced =
        RuleHarness.verdict(
            rule,
            set,
            ClusterView.empty(),
            RuleHarness.policy(rule, Mode.ENFORCE, Map.of(), Set.of()));

    // Then warn allows, enforce denies
    assertThat(byDefault.allowed()).isTrue();
    assertThat(byDefault.warnings()).hasSize(1);
    assertThat(enforced.allowed()).isFalse();
    assertThat(enforced.violations()).hasSize(1);
  }
}
