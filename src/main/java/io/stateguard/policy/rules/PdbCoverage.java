package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A quorum StatefulSet needs a PodDisruptionBudget: without one, voluntary disruptions (node
 * drains, cluster upgrades, autoscaler scale-downs) may evict several members at once.
 *
 * <p>Only sets of class {@link WorkloadClass#QUORUM} with more than one replica are checked: a
 * single member cannot lose "several at once", and for other classes a budget is a matter of
 * capacity the owner decides. Warns by default, since the budget is usually a separate manifest
 * that may arrive after the set.
 */
final class PdbCoverage implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "pdb-coverage",
          "A quorum StatefulSet is covered by a PodDisruptionBudget",
          "Without a PodDisruptionBudget, a node drain, cluster upgrade or autoscaler may evict"
              + " several members of a quorum system at once (all of them, when they share a"
              + " node), and the ensemble loses quorum until they return.",
          "Create a PodDisruptionBudget in the set's namespace whose selector matches the pod"
              + " template's labels, with maxUnavailable no larger than the quorum tolerates"
              + " (1 for 3 or 4 members).",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (ctx.workloadClass() != WorkloadClass.QUORUM) {
      return;
    }
    // The admitted set itself, not the view's copy, which may be older.
    StatefulSet set = ctx.statefulSet();
    int replicas = BudgetScope.replicas(set);
    if (replicas <= 1) {
      return;
    }
    boolean covered =
        ctx.view().podDisruptionBudgets(ctx.namespace()).stream()
            .anyMatch(pdb -> BudgetScope.selects(pdb, set));
    if (covered) {
      return;
    }
    QuorumSize quorum = ctx.quorum();
    int tolerated = quorum.tolerated(replicas);
    String head =
        "no PodDisruptionBudget in namespace "
            + ctx.namespace()
            + " selects the pods of "
            + ctx.subjectRef()
            + ", a quorum workload of "
            + replicas
            + " members: a node drain or cluster upgrade may evict several at once and lose"
            + " quorum ("
            + quorum.of(replicas)
            + " must stay up); ";
    String add = "add a PodDisruptionBudget with " + selector(set) + " and";
    if (tolerated == 0) {
      ctx.report(
          head
              + "it cannot lose any member and keep quorum: "
              + BudgetScope.growAdvice(replicas, quorum, add),
          "");
    } else {
      ctx.report(head + add + " maxUnavailable: " + tolerated, "");
    }
  }

  /** The set's own matchLabels, which a budget for it can reuse. */
  private static String selector(StatefulSet set) {
    LabelSelector selector = set.getSpec() == null ? null : set.getSpec().getSelector();
    Map<String, String> labels = selector == null ? null : selector.getMatchLabels();
    if (labels == null || labels.isEmpty()) {
      return "the set's spec.selector";
    }
    return "selector matchLabels "
        + new TreeMap<>(labels)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
  }
}
