package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Budgets;
import io.stateguard.policy.EffectivePolicy;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.OptionalInt;

/**
 * A PodDisruptionBudget over a quorum workload must never allow so many voluntary disruptions at
 * once that the members left cannot form a quorum.
 *
 * <p>Only StatefulSets of class {@link WorkloadClass#QUORUM} are checked: a quorum is what this
 * rule protects, and other classes have none to lose (their budgets are a matter of capacity, not
 * correctness). The budget is computed as the disruption controller computes it, against the sum of
 * the replicas of every set it selects, and percentages are rounded up; all the disruptions it
 * allows may land on one set, so each set is judged against that whole allowance.
 */
final class PdbQuorum implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "pdb-quorum",
          "A PodDisruptionBudget keeps a quorum of each quorum StatefulSet it selects",
          "Node drains, cluster upgrades and autoscalers evict pods as fast as the budget allows."
              + " A budget whose minAvailable is below the quorum (floor(n/2)+1 unless the"
              + " policy says otherwise), or whose maxUnavailable is above what the quorum"
              + " tolerates, lets one drain take enough members down to lose quorum: the ensemble"
              + " stops accepting writes until they return.",
          "Set minAvailable to the quorum size, or maxUnavailable to replicas minus the quorum"
              + " size; give each quorum StatefulSet a budget of its own.",
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
    BudgetScope scope = BudgetScope.of(pdb, ctx.view().statefulSets(ctx.namespace()));
    ObjectRef ref = ctx.subjectRef();
    OptionalInt allowed;
    try {
      allowed = Budgets.allowedDisruptions(pdb, scope.expected());
    } catch (IllegalArgumentException e) {
      for (StatefulSet set : quorumSets(ctx, scope)) {
        ctx.report(
            set,
            ref
                + " cannot be evaluated for "
                + ObjectRef.of(set)
                + ": "
                + e.getMessage()
                + " (the API server rejects it); write a whole number or a percentage like"
                + " '50%'",
            scope.field());
      }
      return;
    }
    if (allowed.isEmpty()) {
      // Neither field set: the controller then allows no disruption at all, which is
      // pdb-blocks-maintenance's finding, not a threat to quorum.
      return;
    }
    for (StatefulSet set : quorumSets(ctx, scope)) {
      int replicas = BudgetScope.replicas(set);
      QuorumSize quorum = ctx.policyFor(set).orElseThrow().quorum();
      int down = Math.min(allowed.getAsInt(), replicas);
      int tolerated = quorum.tolerated(replicas);
      if (down > tolerated) {
        ctx.report(set, message(ref, scope, set, replicas, down, quorum), scope.field());
      }
    }
  }

  /** The selected sets of class quorum, with pods, this rule is on for. */
  private static List<StatefulSet> quorumSets(RuleContext ctx, BudgetScope scope) {
    return scope.sets().stream()
        .filter(s -> BudgetScope.replicas(s) > 0)
        .filter(ctx::appliesTo)
        .filter(
            s ->
                ctx.policyFor(s).map(EffectivePolicy::workloadClass).orElse(null)
                    == WorkloadClass.QUORUM)
        .toList();
  }

  private static String message(
      ObjectRef ref,
      BudgetScope scope,
      StatefulSet set,
      int replicas,
      int down,
      QuorumSize quorum) {
    int needed = quorum.of(replicas);
    int tolerated = quorum.tolerated(replicas);
    String head =
        ref
            + " allows "
            + down
            + " of "
            + replicas
            + " members of "
            + ObjectRef.of(set)
            + " down ("
            + scope.terms()
            + "); quorum needs "
            + needed
            + " up: ";
    if (tolerated == 0) {
      return head
          + "with "
          + replicas
          + (replicas == 1 ? " replica" : " replicas")
          + " no member can be disrupted without losing quorum; "
          + BudgetScope.growAdvice(replicas, quorum, "set");
    }
    String budget = "minAvailable: " + needed + " or maxUnavailable: " + tolerated;
    if (scope.sets().size() > 1) {
      return head
          + "the budget counts "
          + scope.extent()
          + " together; narrow its selector to the pods of "
          + ObjectRef.of(set)
          + " and set "
          + budget;
    }
    return head + "set " + budget;
  }
}
