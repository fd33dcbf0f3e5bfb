package io.stateguard.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.EffectivePolicy;
import io.stateguard.policy.Mode;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Selectors;
import io.stateguard.policy.WorkloadClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which policy each checked rule ran under on one object, so that a rule that found nothing can be
 * reported under a policy too (formats such as PolicyReport name one on every result). A
 * StatefulSet's rules run under its governing policy; a PDB's under its own policy where that turns
 * the rule on, else under the policy of the first StatefulSet it selects that does (the engine
 * decides a PDB rule's mode per selected set).
 */
final class RulePolicies {

  private RulePolicies() {}

  static Map<String, String> of(
      HasMetadata object, List<RuleInfo> checked, PolicySet policies, ClusterView view) {
    List<EffectivePolicy> concerned = new ArrayList<>();
    if (object instanceof StatefulSet set) {
      policies.resolve(set).ifPresent(concerned::add);
    } else if (object instanceof PodDisruptionBudget pdb) {
      String ns = pdb.getMetadata().getNamespace();
      Map<String, String> labels =
          pdb.getMetadata().getLabels() == null ? Map.of() : pdb.getMetadata().getLabels();
      policies.resolve(ns, labels, WorkloadClass.DEFAULT).ifPresent(concerned::add);
      if (pdb.getSpec() != null) {
        for (StatefulSet set : view.statefulSets(ns)) {
          if (Selectors.matches(pdb.getSpec().getSelector(), Selectors.podLabels(set))) {
            policies.resolve(set).ifPresent(concerned::add);
          }
        }
      }
    }
    Map<String, String> byRule = new LinkedHashMap<>();
    for (RuleInfo rule : checked) {
      concerned.stream()
          .filter(p -> p.mode(rule) != Mode.OFF)
          .map(p -> p.governingPolicy(rule))
          .filter(name -> !name.isEmpty())
          .findFirst()
          .ifPresent(name -> byRule.put(rule.id(), name));
    }
    return byRule;
  }
}
