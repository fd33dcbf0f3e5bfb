package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The StatefulSet rules are in the catalogue under their contracted ids, described for people. */
class StatefulSetRuleCatalogueTest {

  private static final Map<String, Rule> CATALOGUE =
      Rules.all().stream().collect(Collectors.toMap(Rule::id, Function.identity()));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "parallel-pod-management",
        "readiness-probe",
        "termination-grace-period",
        "rolling-partition",
        "update-strategy",
        "rolling-max-unavailable",
        "replicas-quorum"
      })
  void isRegisteredAndDescribed(String id) {
    // Given the catalogue
    // When the rule is looked up by its contracted id
    Rule rule = CATALOGUE.get(id);

    // Then it is there, checks StatefulSets, and tells people what, why and how to fix or override
    assertThat(rule).as("rule %s in Rules.all()", id).isNotNull();
    RuleInfo info = rule.info();
    assertThat(info.target()).isEqualTo(RuleInfo.Target.STATEFULSET);
    assertThat(info.summary()).isNotBlank().doesNotContain("\n").doesNotEndWith(".");
    assertThat(info.why()).hasSizeGreaterThan(info.summary().length());
    assertThat(info.fix()).contains("stateguard.io/break-glass").contains("policy");
    assertThat(info.params())
        .allSatisfy(p -> assertThat(p.description()).as(p.name()).hasSizeGreaterThan(20));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "parallel-pod-management",
        "readiness-probe",
        "termination-grace-period",
        "rolling-partition",
        "update-strategy",
        "rolling-max-unavailable",
        "replicas-quorum"
      })
  void isRegisteredOnce(String id) {
    List<Rule> matching = Rules.all().stream().filter(r -> r.id().equals(id)).toList();

    assertThat(matching).hasSize(1);
  }
}
