package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Budgets;
import io.stateguard.policy.EffectivePolicy;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Operation;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 *
 * <p>The rule also checks StatefulSet UPDATEs, since a budget that kept quorum can stop keeping it
 * when the set changes: scaling from 3 to 5 raises the quorum to 3, above a {@code minAvailable: 2}
 * that was right before. Each budget selecting the set (before or after the update) is judged with
 * the updated set in place of the stored one, and a problem is reported only when the update causes
 * it: a budget that already failed before is its own admission's finding, not this update's. A
 * CREATE is not checked this way: a report evaluates the budget itself, and in a cluster the
 * budget's own admission was judged when it was made. A change through the {@code scale}
 * subresource ({@code kubectl scale}, autoscalers) is judged the same way, as an update of the
 * stored set to the new replica count ({@link RuleInfo.Target#STATEFULSET_SCALE}).
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
              + " stops accepting writes until they return. A budget is checked when it is created"
              + " or changed, and again when a StatefulSet it selects is updated: scaling from 3"
              + " to 5 members raises the quorum to 3, above a minAvailable: 2 that was right"
              + " before (with kubectl apply or edit, and with kubectl scale or an autoscaler).",
          "Set minAvailable to the quorum size, or maxUnavailable to replicas minus the quorum"
              + " size; give each quorum StatefulSet a budget of its own, and change the budget"
              + " before scaling the set.",
          Mode.ENFORCE,
          RuleInfo.Target.PDB,
          List.of(),
          List.of(RuleInfo.Target.STATEFULSET, RuleInfo.Target.STATEFULSET_SCALE));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (ctx.subject() instanceof StatefulSet) {
      checkUpdatedSet(ctx);
    } else {
      checkBudget(ctx);
    }
  }

  private void checkBudget(RuleContext ctx) {
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
    for (Problem p : problems(ctx, scope, allowed)) {
      ctx.report(p.set(), p.message(), scope.field());
    }
  }

  /**
   * On a StatefulSet UPDATE: the budgets that the update leaves below quorum of a set they select,
   * having kept it before.
   */
  private void checkUpdatedSet(RuleContext ctx) {
    if (ctx.admission().operation() != Operation.UPDATE
        || !(ctx.admission().oldObject().orElse(null) instanceof StatefulSet storedOld)) {
      return;
    }
    StatefulSet updated = ctx.statefulSet();
    StatefulSet old = inNamespace(storedOld, ctx.namespace());
    List<StatefulSet> stored = ctx.view().statefulSets(ctx.namespace());
    List<StatefulSet> after = replacing(stored, updated);
    List<StatefulSet> before = replacing(stored, old);
    int from = BudgetScope.replicas(old);
    int to = BudgetScope.replicas(updated);
    // Without a change of replicas, what changed is the pod labels or the class the set is given.
    String change =
        from == to
            ? "after this update of " + ctx.subjectRef() + ", "
            : "scaling " + ctx.subjectRef() + " from " + from + " to " + to + " replicas: ";
    for (PodDisruptionBudget pdb : ctx.view().podDisruptionBudgets(ctx.namespace())) {
      if (!BudgetScope.selects(pdb, updated) && !BudgetScope.selects(pdb, old)) {
        continue;
      }
      BudgetScope now = BudgetScope.of(pdb, after);
      BudgetScope then = BudgetScope.of(pdb, before);
      List<Problem> problemsNow;
      List<Problem> problemsThen;
      try {
        problemsNow = problems(ctx, now, Budgets.allowedDisruptions(pdb, now.expected()));
        problemsThen = problems(ctx, then, Budgets.allowedDisruptions(pdb, then.expected()));
      } catch (IllegalArgumentException e) {
        continue; // a value the API server rejects: the budget's own finding, reported on it
      }
      for (Problem p : problemsNow) {
        boolean already =
            problemsThen.stream().anyMatch(q -> BudgetScope.sameObject(q.set(), p.set()));
        if (!already) {
          ctx.report(
              p.set(),
              change
                  + p.message()
                  + "; change "
                  + ObjectRef.of(pdb)
                  + " first, or "
                  + override(ctx),
              from == to ? "" : "spec.replicas");
        }
      }
    }
  }

  /** {@code sets} (one namespace's) with {@code version} in place of its stored version. */
  private static List<StatefulSet> replacing(List<StatefulSet> sets, StatefulSet version) {
    String name = version.getMetadata().getName();
    List<StatefulSet> out = new ArrayList<>();
    for (StatefulSet s : sets) {
      if (!Objects.equals(s.getMetadata().getName(), name)) {
        out.add(s);
      }
    }
    out.add(version);
    return out;
  }

  /** {@code set}, or a copy of it placed in {@code ns} when it names no namespace. */
  private static StatefulSet inNamespace(StatefulSet set, String ns) {
    String own = set.getMetadata().getNamespace();
    if (own != null && !own.isEmpty()) {
      return set;
    }
    return new StatefulSetBuilder(set).editMetadata().withNamespace(ns).endMetadata().build();
  }

  private static String override(RuleContext ctx) {
    List<String> annotations = ctx.policy().breakGlassAnnotations();
    if (annotations.isEmpty()) {
      return "set the mode of pdb-quorum for this workload in its policy to accept it";
    }
    if (ScaleDownRule.viaScale(ctx)) {
      return "to accept it, " + ScaleDownRule.annotateBeforeScaling(ctx, annotations.get(0));
    }
    return "to accept it, annotate the set " + annotations.get(0) + ": \"<reason>\" in this update";
  }

  /** A selected quorum set whose quorum the budget does not keep, and what to tell about it. */
  private record Problem(StatefulSet set, String message) {}

  /** The quorum sets of {@code scope} whose quorum a budget allowing {@code allowed} breaks. */
  private static List<Problem> problems(RuleContext ctx, BudgetScope scope, OptionalInt allowed) {
    if (allowed.isEmpty()) {
      // Neither field set: the controller then allows no disruption at all, which is
      // pdb-blocks-maintenance's finding, not a threat to quorum.
      return List.of();
    }
    ObjectRef ref = ObjectRef.of(scope.pdb());
    List<Problem> problems = new ArrayList<>();
    for (StatefulSet set : quorumSets(ctx, scope)) {
      int replicas = BudgetScope.replicas(set);
      QuorumSize quorum = ctx.policyFor(set).orElseThrow().quorum();
      int down = Math.min(allowed.getAsInt(), replicas);
      if (down > quorum.tolerated(replicas)) {
        problems.add(new Problem(set, message(ref, scope, set, replicas, down, quorum)));
      }
    }
    return problems;
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
