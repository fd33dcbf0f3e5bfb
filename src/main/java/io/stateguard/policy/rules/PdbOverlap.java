package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No two PodDisruptionBudgets may select the pods of one StatefulSet: the eviction API refuses to
 * evict a pod covered by more than one budget, so every drain stalls on those pods.
 *
 * <p>The budget being admitted is compared with every other budget of its namespace in the view;
 * the view's copy of the admitted budget itself (an older version, on UPDATE) is skipped. Every
 * finding about one set gives the same advice, whichever budget is admitted, so that following all
 * of them leaves one budget rather than none.
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

  /** Orders budgets narrowest first: by the pods they select, then by the sets. */
  private static final Comparator<BudgetScope> BREADTH =
      Comparator.comparingInt(BudgetScope::expected).thenComparingInt(s -> s.sets().size());

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
    List<StatefulSet> namespaceSets = ctx.view().statefulSets(ctx.namespace());
    for (StatefulSet set : sets) {
      List<PodDisruptionBudget> rivals =
          others.stream().filter(other -> BudgetScope.selects(other, set)).toList();
      if (rivals.isEmpty()) {
        continue;
      }
      List<PodDisruptionBudget> all = new ArrayList<>(rivals);
      all.add(pdb);
      String advice = advice(set, all, namespaceSets);
      for (PodDisruptionBudget other : rivals) {
        ctx.report(
            set,
            ref
                + " and "
                + ObjectRef.of(other)
                + " both select the pods of "
                + ObjectRef.of(set)
                + ": the eviction API refuses to evict a pod covered by more than one"
                + " PodDisruptionBudget (HTTP 500), so node drains fail on them; "
                + advice,
            "spec.selector");
      }
    }
  }

  /**
   * What to do about every budget selecting {@code set}. It depends only on that group of budgets,
   * never on which of them is admitted or which pair a finding names, so the findings of all of
   * them give the same advice and following each one leaves exactly one budget: the narrowest (the
   * one selecting the fewest pods, then the fewest sets) is kept, since the broader ones cover pods
   * that the narrow one already protects; among equally narrow ones the user picks.
   */
  private static String advice(
      StatefulSet set, List<PodDisruptionBudget> budgets, List<StatefulSet> namespaceSets) {
    List<BudgetScope> scopes =
        budgets.stream()
            .map(b -> BudgetScope.of(b, namespaceSets))
            .sorted(BREADTH.thenComparing(s -> ObjectRef.of(s.pdb()).toString()))
            .toList();
    BudgetScope narrowest = scopes.get(0);
    List<BudgetScope> keep =
        scopes.stream().filter(s -> BREADTH.compare(s, narrowest) == 0).toList();
    List<BudgetScope> broader =
        scopes.stream().filter(s -> BREADTH.compare(s, narrowest) > 0).toList();
    StringBuilder advice = new StringBuilder("to leave one budget for ").append(ObjectRef.of(set));
    if (keep.size() == 1) {
      advice
          .append(", keep the narrowest, ")
          .append(ObjectRef.of(narrowest.pdb()))
          .append(" (")
          .append(extent(narrowest))
          .append(")");
    } else {
      advice
          .append(", keep one of ")
          .append(names(keep))
          .append(" (each selects ")
          .append(extent(narrowest))
          .append(") and delete the ")
          .append(keep.size() == 2 ? "other" : "others");
    }
    if (!broader.isEmpty()) {
      advice
          .append(", and delete the broader ")
          .append(broader.size() == 1 ? "one, " : "ones, ")
          .append(
              broader.stream()
                  .map(s -> ObjectRef.of(s.pdb()) + " (" + extent(s) + ")")
                  .collect(Collectors.joining(" and ")));
    }
    return advice
        .append("; or narrow the selectors so that each pod is selected by exactly one budget")
        .toString();
  }

  private static String extent(BudgetScope scope) {
    int sets = scope.sets().size();
    return BudgetScope.pods(scope.expected())
        + " of "
        + sets
        + (sets == 1 ? " statefulset" : " statefulsets");
  }

  private static String names(List<BudgetScope> scopes) {
    List<String> names = scopes.stream().map(s -> ObjectRef.of(s.pdb()).toString()).toList();
    return names.size() == 1
        ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1))
            + " and "
            + names.get(names.size() - 1);
  }
}
