package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.stateguard.policy.Budgets;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Selectors;
import java.util.List;
import java.util.Objects;

/**
 * What one PodDisruptionBudget covers: the StatefulSets of its namespace whose pods it selects, and
 * the pod count the disruption controller expects of them (the sum of their replicas, since the
 * controller counts the scale of every controller owning a selected pod). Shared by the PDB rules.
 */
record BudgetScope(PodDisruptionBudget pdb, List<StatefulSet> sets, int expected) {

  /** What a budget setting neither field means, from the controller's point of view. */
  static final String NEITHER =
      "it sets neither minAvailable nor maxUnavailable, so the disruption controller expects no"
          + " pods and allows no disruption";

  BudgetScope {
    Objects.requireNonNull(pdb, "pdb");
    sets = List.copyOf(sets);
  }

  /** The sets among {@code candidates} (one namespace's) whose pods {@code pdb} selects. */
  static BudgetScope of(PodDisruptionBudget pdb, List<StatefulSet> candidates) {
    List<StatefulSet> selected = candidates.stream().filter(s -> selects(pdb, s)).toList();
    int expected = selected.stream().mapToInt(BudgetScope::replicas).sum();
    return new BudgetScope(pdb, selected, expected);
  }

  /**
   * Whether the budget selects the pods of {@code set}. In policy/v1 an empty selector selects
   * every pod of the namespace and a missing one selects none.
   */
  static boolean selects(PodDisruptionBudget pdb, StatefulSet set) {
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    return spec != null && Selectors.matches(spec.getSelector(), Selectors.podLabels(set));
  }

  /** {@code spec.replicas}, or 1 when unset, as the API server defaults it. */
  static int replicas(StatefulSet set) {
    Integer replicas = set.getSpec() == null ? null : set.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /** Whether two objects are the same one (same namespace and name), in whatever version. */
  static boolean sameObject(HasMetadata a, HasMetadata b) {
    return Objects.equals(namespace(a), namespace(b))
        && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }

  private static String namespace(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  /**
   * The field that decides the budget ({@code spec.maxUnavailable} wins, as in the controller), or
   * {@code spec} when it sets neither.
   */
  String field() {
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    if (spec == null) {
      return "spec";
    }
    if (spec.getMaxUnavailable() != null) {
      return "spec.maxUnavailable";
    }
    return spec.getMinAvailable() != null ? "spec.minAvailable" : "spec";
  }

  /**
   * The budget in its own words, with what a percentage comes to for the expected count: {@code
   * minAvailable: 1}, {@code maxUnavailable: 50% = 2 of 3 pods, rounded up}. Call only once the
   * values are known to parse.
   */
  String terms() {
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    IntOrString value =
        spec == null
            ? null
            : spec.getMaxUnavailable() != null ? spec.getMaxUnavailable() : spec.getMinAvailable();
    if (value == null) {
      return NEITHER;
    }
    String words = Budgets.describe(pdb);
    if (value.getIntVal() != null) {
      return words;
    }
    return words
        + " = "
        + Budgets.scaled(value, expected)
        + " of "
        + pods(expected)
        + ", rounded up";
  }

  /** How many statefulsets and pods the budget selects, for messages about several sets. */
  String extent() {
    return pods(expected) + " of " + sets.size() + " statefulsets";
  }

  static String pods(int n) {
    return n == 1 ? "1 pod" : n + " pods";
  }

  /**
   * What to do about a set of {@code replicas} that cannot lose a member and keep {@code quorum}:
   * grow to the smallest size that can, then {@code then} {@code maxUnavailable} of what that size
   * tolerates ({@code run 3 replicas and set maxUnavailable: 1}); or, when no size can (a quorum of
   * 100%), lower the quorum size.
   */
  static String growAdvice(int replicas, QuorumSize quorum, String then) {
    for (int n = Math.max(replicas + 1, 2); n <= replicas + 100; n++) {
      if (quorum.tolerated(n) >= 1) {
        return "run " + n + " replicas and " + then + " maxUnavailable: " + quorum.tolerated(n);
      }
    }
    return "quorum size " + quorum + " spares no member at any size; lower it in the policy";
  }
}
