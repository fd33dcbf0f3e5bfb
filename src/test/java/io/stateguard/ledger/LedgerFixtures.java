package io.stateguard.ledger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.rules.Members;
import io.stateguard.policy.rules.Rules;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A cluster of StatefulSets on the mock API server, and the engine that guards them. */
public final class LedgerFixtures {

  private LedgerFixtures() {}

  /** quorum-guard enforced on every set, majority quorum. */
  public static PolicyEngine engine() {
    Policy policy =
        new Policy(
            "test",
            "test",
            0,
            Policy.Match.ALL,
            List.of(),
            Optional.of(QuorumSize.MAJORITY),
            Map.of("quorum-guard", new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of())),
            Policy.Exemptions.NONE);
    return new PolicyEngine(
        new PolicySet(List.of(policy)),
        Rules.all().stream().filter(r -> r.id().equals("quorum-guard")).toList());
  }

  /** Creates the set and its members, all Ready, on the API server; returns the members. */
  public static List<Pod> createSet(KubernetesClient client, String ns, String name, int n) {
    StatefulSet set = Members.set(ns, name, n);
    client.apps().statefulSets().inNamespace(ns).resource(set).create();
    List<Pod> pods = Members.ready(set);
    for (Pod p : pods) {
      client.pods().inNamespace(ns).resource(p).create();
    }
    return pods.stream()
        .map(p -> client.pods().inNamespace(ns).withName(p.getMetadata().getName()).get())
        .toList();
  }
}
