package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/**
 * No two PodDisruptionBudgets may select the pods of one StatefulSet: the eviction API refuses to
 * evict a pod covered by more than one budget, so every drain stalls on those pods.
 *
 * <p>The budget being admitted is compared with every other budget of its namespace in the view;
 * the view's copy of the admitted budget itself (an older version, on UPDATE) is skipped.
 */
final class PdbOverlap implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "pdb-overlap",
          "At most one PodDisruptionBudget selects the pods of a StatefulSet",
          "The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects"
              + " (HTTP 500 \"This pod has more than one PodDisruptionBudget, which the eviction"
              + " subresource does not support\"). kubectl drain does not retry that error, so"
              + " node drains and cluster upgrades fail on these pods.",
          "Keep one budget per StatefulSet: delete the redundant one, or narrow the selectors so"
              + " that each pod is selected by exactly one budget.",
          Mode.ENFORCE,
          RuleInfo.Target.PDB,
          List.of());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    PodDisruptionBudget pdb = ctx.pdb();
    List<StatefulSet> sets = BudgetScope.of(pdb, ctx.view().statefulSets(ctx.namespace())).sets();
    if (sets.isEmpty()) {
      return;
    }
    List<PodDisruptionBudget> others =
        ctx.view().podDisruptionBudgets(ctx.namespace()).stream()
            .filter(other -> !BudgetScope.sameObject(other, pdb))
            .toList();
    ObjectRef ref = ctx.subjectRef();
    for (StatefulSet set : sets) {
      for (PodDisruptionBudget other : others) {
        if (BudgetScope.selects(other, set)) {
          ctx.report(
              set,
              ref
                  + " and "
                  + ObjectRef.of(other)
                  + " both select the pods of "
                  + ObjectRef.of(set)
                  + ": the eviction API refuses to evict a pod covered by more than one"
                  + " PodDisruptionBudget (HTTP 500), so node drains fail on them; keep one"
                  + " budget for the set: delete "
                  + ObjectRef.of(other)
                  + " or narrow one of the selectors",
              "spec.selector");
        }
      }
    }
  }
}
