package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
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
import java.util.Optional;

/**
 * A PodDisruptionBudget that allows no voluntary disruption at all makes every node drain that
 * reaches one of its pods wait forever: the eviction API answers 429 until someone edits or deletes
 * the budget.
 *
 * <p>When the budget selects StatefulSets the view knows, the allowance is computed for their pods
 * and each set is reported under its own policy. When it selects none (its workload is not in the
 * view yet), only what the spec alone decides is reported, on the budget itself: {@code
 * maxUnavailable: 0} or {@code 0%}, {@code minAvailable: 100%}, or neither field (the controller
 * then expects no pods and allows nothing). Warns by default: Kubernetes permits such budgets, and
 * a single-instance database may want drains to wait for a person.
 */
final class PdbBlocksMaintenance implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "pdb-blocks-maintenance",
          "A PodDisruptionBudget allows at least one voluntary disruption",
          "A budget with maxUnavailable 0, minAvailable 100% or minAvailable at least the number"
              + " of pods it selects never allows an eviction. Every node drain, cluster upgrade"
              + " and autoscaler scale-down that reaches one of its pods then waits forever, and"
              + " cluster operators end up deleting the budget by hand.",
          "Allow at least one disruption (maxUnavailable: 1 is the usual choice; on a quorum"
              + " workload, no more than the quorum tolerates). If drains should wait for a"
              + " person on purpose, set this rule to audit for that workload in a policy.",
          Mode.WARN,
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
    List<StatefulSet> populated =
        scope.sets().stream().filter(s -> BudgetScope.replicas(s) > 0).toList();
    ObjectRef ref = ctx.subjectRef();
    if (!populated.isEmpty()) {
      int allowed;
      try {
        // Neither field set: the controller's expected count stays 0, and it then allows none.
        allowed = Budgets.allowedDisruptions(pdb, scope.expected()).orElse(0);
      } catch (IllegalArgumentException e) {
        return; // a malformed value: the API server rejects it, and pdb-quorum names it
      }
      if (allowed > 0) {
        return;
      }
      for (StatefulSet set : populated) {
        ctx.report(set, message(ctx, ref, scope, set), scope.field());
      }
      return;
    }
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    if (spec == null || spec.getSelector() == null) {
      return; // selects no pod at all, so it blocks nothing
    }
    Optional<String> terms = blocksWhateverItSelects(spec);
    if (terms.isPresent()) {
      ctx.report(
          ref
              + " allows no voluntary disruption of any pod it selects ("
              + terms.get()
              + "): every node drain or cluster upgrade that reaches one of them waits forever;"
              + " set maxUnavailable: 1, or no more than the quorum of the workload tolerates",
          scope.field());
    }
  }

  /** Why the spec allows nothing whatever the pod count, or empty when that depends on it. */
  private static Optional<String> blocksWhateverItSelects(PodDisruptionBudgetSpec spec) {
    try {
      IntOrString max = spec.getMaxUnavailable();
      if (max != null) {
        // Scaled against 100 pods, a value is its own percentage: 0 means 0 or 0%.
        return Budgets.scaled(max, 100) <= 0
            ? Optional.of("maxUnavailable: " + text(max))
            : Optional.empty();
      }
      IntOrString min = spec.getMinAvailable();
      if (min == null) {
        return Optional.of(BudgetScope.NEITHER);
      }
      return min.getStrVal() != null && Budgets.scaled(min, 100) >= 100
          ? Optional.of("minAvailable: " + text(min))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // malformed: the API server rejects it
    }
  }

  private static String message(
      RuleContext ctx, ObjectRef ref, BudgetScope scope, StatefulSet set) {
    int replicas = BudgetScope.replicas(set);
    String head =
        ref
            + " allows no voluntary disruption of the "
            + BudgetScope.pods(scope.expected())
            + " it selects ("
            + scope.terms()
            + "): every node drain or cluster upgrade that reaches a pod of "
            + ObjectRef.of(set)
            + " waits forever; ";
    Optional<EffectivePolicy> policy = ctx.policyFor(set);
    if (policy.isPresent() && policy.get().workloadClass() == WorkloadClass.QUORUM) {
      QuorumSize quorum = policy.get().quorum();
      if (quorum.tolerated(replicas) == 0) {
        return head
            + "with "
            + replicas
            + (replicas == 1 ? " member" : " members")
            + " it cannot lose one and keep quorum: "
            + BudgetScope.growAdvice(replicas, quorum, "set")
            + ", or, if drains should wait for a person, set this rule to audit in a policy";
      }
      return head
          + "set maxUnavailable: 1 (then "
          + (replicas - 1)
          + " of "
          + replicas
          + " stay up; quorum needs "
          + quorum.of(replicas)
          + ")";
    }
    if (replicas == 1) {
      return head
          + "set maxUnavailable: 1 to let drains move its single pod, or, if they should wait"
          + " for a person, set this rule to audit in a policy";
    }
    return head + "set maxUnavailable: 1";
  }

  private static String text(IntOrString v) {
    return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }
}
