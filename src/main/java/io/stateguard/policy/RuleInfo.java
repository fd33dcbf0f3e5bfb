package io.stateguard.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a rule is, for people: its stable id (a contract: docs, reports and users' policies name
 * it), a one-line summary, why it matters, how to fix it, its mode when no policy says otherwise,
 * the kind of object it checks, the parameters it takes, and the other kinds whose changes it also
 * checks.
 *
 * @param target the kind of object the rule is about: where reports show it and where its findings
 *     chiefly arise
 * @param alsoOn other kinds whose admissions the engine also runs the rule on, because changing
 *     them can break what the rule protects ({@code pdb-quorum} judges budgets, and also a
 *     StatefulSet whose new replica count leaves a budget below quorum); the rule tells the kinds
 *     apart by {@link RuleContext#subject()}. Never holds {@code target}; usually empty.
 */
public record RuleInfo(
    String id,
    String summary,
    String why,
    String fix,
    Mode defaultMode,
    Target target,
    List<ParamSpec> params,
    List<Target> alsoOn) {

  /**
   * The requests a rule is evaluated on: creates and updates of a kind, or the deletes the guards
   * look at.
   */
  public enum Target {
    STATEFULSET("StatefulSet"),
    /**
     * StatefulSet UPDATE through the {@code scale} subresource ({@code kubectl scale},
     * autoscalers): the rule sees the stored set as the cluster view holds it, with the old and the
     * new replica count. Only rules that judge a change of replicas, and need nothing of the set
     * the view's copy may lack, check it (docs/adr/0009).
     */
    STATEFULSET_SCALE("StatefulSet scale"),
    PDB("PodDisruptionBudget"),
    /** StatefulSet DELETE: the rule sees the set being deleted and the DeleteOptions. */
    STATEFULSET_DELETE("StatefulSet DELETE"),
    /**
     * Pod DELETE and pods/eviction CREATE of a StatefulSet member: the rule sees the pod, its set
     * and the live state of its members ({@link RuleContext#disruption()}).
     */
    POD_DELETE("Pod DELETE, pods/eviction");

    private final String kind;

    Target(String kind) {
      this.kind = kind;
    }

    public String kind() {
      return kind;
    }
  }

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  public RuleInfo {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("rule id '" + id + "' is not lower-case-with-dashes");
    }
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(why, "why");
    Objects.requireNonNull(fix, "fix");
    Objects.requireNonNull(defaultMode, "defaultMode");
    Objects.requireNonNull(target, "target");
    params = List.copyOf(params);
    alsoOn = List.copyOf(alsoOn);
    if (alsoOn.contains(target) || alsoOn.stream().distinct().count() != alsoOn.size()) {
      throw new IllegalArgumentException(
          "rule " + id + ": alsoOn " + alsoOn + " repeats a kind or names its target " + target);
    }
  }

  /** A rule that checks one kind of object only. */
  public RuleInfo(
      String id,
      String summary,
      String why,
      String fix,
      Mode defaultMode,
      Target target,
      List<ParamSpec> params) {
    this(id, summary, why, fix, defaultMode, target, params, List.of());
  }

  /** Whether the engine runs this rule on admissions of {@code kind}. */
  public boolean checks(Target kind) {
    return target == kind || alsoOn.contains(kind);
  }

  /** Every kind the rule checks: its target first, then the others. */
  public List<Target> targets() {
    List<Target> all = new ArrayList<>(List.of(target));
    all.addAll(alsoOn);
    return List.copyOf(all);
  }

  public Optional<ParamSpec> param(String name) {
    return params.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
