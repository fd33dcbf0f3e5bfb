package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;

/**
 * {@code scale-down}: an update of a StatefulSet must not remove more members in one step than the
 * workload survives. Compares the replicas of the stored set ({@code oldObject}) with the new ones;
 * a CREATE has nothing to lose and is never reported.
 *
 * <p>For a {@link WorkloadClass#QUORUM quorum} workload the quorum that counts is the one of the
 * <em>old</em> count n: the members that stay (the lowest ordinals) still know an ensemble of n
 * until its membership is reconfigured, so they must be at least quorum(n) of them; that is, one
 * step may remove at most n − quorum(n) members, and scaling to 0 always removes more. For the
 * classes named by {@value #ZERO_CLASSES} (by default {@code database}) only scaling to 0 is
 * reported: a replicated database loses capacity, not correctness, when it shrinks, but stops
 * entirely at 0. Caches and unclassified workloads scale as their owners like.
 *
 * <p>The rule sees updates of the StatefulSet object ({@code kubectl apply}, {@code edit}, {@code
 * patch}) and changes through the {@code scale} subresource ({@code kubectl scale}, autoscalers),
 * which the webhook judges as an update of the stored set from the old to the new replica count
 * ({@link RuleInfo.Target#STATEFULSET_SCALE}). A scale request cannot carry an annotation, so there
 * the break-glass annotation must be on the set before it is scaled.
 */
final class ScaleDownRule implements Rule {

  static final String ZERO_CLASSES = "zeroClasses";
  static final String FIELD = "spec.replicas";

  static final RuleInfo INFO =
      new RuleInfo(
          "scale-down",
          "An update does not remove more members of a quorum workload at once than its quorum"
              + " spares, nor scale it (or a database) to 0",
          "The members left after a scale-down still count the old membership until it is"
              + " reconfigured: scaling a 5-member ensemble to 2 leaves 2 members that need 3"
              + " votes, and the system stops accepting writes. Scaling to 0 stops it entirely"
              + " (and with persistentVolumeClaimRetentionPolicy.whenScaled: Delete also deletes"
              + " every member's volume). The rule checks updates of the StatefulSet object"
              + " (kubectl apply, edit, patch) and changes through its scale subresource"
              + " (kubectl scale, autoscalers).",
          "Scale a quorum workload down by at most n - quorum(n) members per step (5 to 3, then"
              + " 3 to 2, under a majority quorum), and let the membership follow each step before"
              + " the next. To scale one set further at once, or to 0, on purpose, annotate it"
              + " stateguard.io/break-glass: \"<reason>\" in the same update (and remove the"
              + " annotation afterwards: it lifts enforcement from every later update too);"
              + " before kubectl scale, annotate the set first with kubectl annotate, since a"
              + " scale request carries no annotations. For a class of workloads, set the rule's"
              + " mode in a policy.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  ZERO_CLASSES,
                  List.of("database"),
                  "Workload classes besides quorum for which scaling to 0 replicas is reported;"
                      + " quorum workloads are always checked.")),
          List.of(RuleInfo.Target.STATEFULSET_SCALE));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (ctx.admission().operation() != Operation.UPDATE
        || !(ctx.admission().oldObject().orElse(null) instanceof StatefulSet old)) {
      return;
    }
    int before = StatefulSetFields.replicas(old);
    int after = StatefulSetFields.replicas(ctx.statefulSet());
    if (after >= before) {
      return;
    }
    WorkloadClass cls = ctx.workloadClass();
    if (cls == WorkloadClass.QUORUM) {
      checkQuorum(ctx, before, after);
    } else if (after == 0 && ctx.params().strings(ZERO_CLASSES).contains(cls.id())) {
      ctx.report(
          scaling(ctx, before, after)
              + " stops every member of a workload of class "
              + cls.id()
              + ": its clients lose it until it is scaled back"
              + claimsDeleted(ctx.statefulSet(), before - after)
              + "; "
              + override(ctx, "to stop it on purpose"),
          FIELD);
    }
  }

  private static void checkQuorum(RuleContext ctx, int before, int after) {
    QuorumSize quorum = ctx.quorum();
    int removed = before - after;
    int needed = quorum.of(before);
    int tolerated = quorum.tolerated(before);
    if (removed <= tolerated) {
      return;
    }
    String claims = claimsDeleted(ctx.statefulSet(), removed);
    if (after == 0) {
      ctx.report(
          scaling(ctx, before, after)
              + " stops every member of a quorum workload at once: it serves nothing until it is"
              + " scaled back"
              + claims
              + "; "
              + override(ctx, "to stop it on purpose"),
          FIELD);
      return;
    }
    String head =
        scaling(ctx, before, after)
            + " removes "
            + StatefulSetFields.count(removed, "member")
            + " at once; the "
            + after
            + " left still count "
            + before
            + " members until the membership is reconfigured, and a quorum of "
            + before
            + " needs "
            + needed
            + " (quorum size "
            + quorum
            + "): the system stops accepting writes"
            + claims
            + "; ";
    if (tolerated == 0) {
      ctx.report(
          head
              + "at "
              + before
              + " replicas no member can go without losing quorum: reconfigure the membership to "
              + after
              + " first, then "
              + override(ctx, "to scale"),
          FIELD);
      return;
    }
    ctx.report(
        head
            + "scale down by at most "
            + tolerated
            + " at a time (to "
            + (before - tolerated)
            + "), letting the membership follow each step, or "
            + override(ctx, "to accept it"),
        FIELD);
  }

  private static String scaling(RuleContext ctx, int before, int after) {
    return "scaling " + ctx.subjectRef() + " from " + before + " to " + after + " replicas";
  }

  /** What {@code whenScaled: Delete} adds to a scale-down: the removed members' claims go too. */
  private static String claimsDeleted(StatefulSet set, int removed) {
    StatefulSetPersistentVolumeClaimRetentionPolicy retention =
        set.getSpec() == null ? null : set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    boolean hasClaims =
        set.getSpec() != null
            && set.getSpec().getVolumeClaimTemplates() != null
            && !set.getSpec().getVolumeClaimTemplates().isEmpty();
    if (!hasClaims || retention == null || !"Delete".equals(retention.getWhenScaled())) {
      return "";
    }
    return ", and persistentVolumeClaimRetentionPolicy.whenScaled: Delete deletes the"
        + " PersistentVolumeClaims of the "
        + StatefulSetFields.count(removed, "removed member")
        + " with their data";
  }

  /** How to override for this set: its break-glass annotation, or the policy when it has none. */
  private static String override(RuleContext ctx, String purpose) {
    List<String> annotations = ctx.policy().breakGlassAnnotations();
    if (annotations.isEmpty()) {
      return purpose + ", set the mode of scale-down for this workload in its policy";
    }
    if (viaScale(ctx)) {
      return purpose + ", " + annotateBeforeScaling(ctx, annotations.get(0));
    }
    return purpose
        + ", annotate the set "
        + annotations.get(0)
        + ": \"<reason>\" in the same update";
  }

  /** Whether {@code ctx} judges a change through the {@code scale} subresource. */
  static boolean viaScale(RuleContext ctx) {
    return PolicyEngine.SCALE.equals(ctx.admission().subResource());
  }

  /**
   * How to break glass for a scale: a Scale carries no annotations, so the set is annotated first
   * and scaled again ({@code annotate the set first: kubectl annotate statefulset zk -n data
   * stateguard.io/break-glass="<reason>", then scale it again}).
   */
  static String annotateBeforeScaling(RuleContext ctx, String annotation) {
    return "annotate the set first: kubectl annotate statefulset "
        + ctx.subjectRef().name()
        + " -n "
        + ctx.subjectRef().namespace()
        + " "
        + annotation
        + "=\"<reason>\", then scale it again";
  }
}
