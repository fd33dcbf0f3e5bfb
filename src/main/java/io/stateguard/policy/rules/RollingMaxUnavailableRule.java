package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code rolling-max-unavailable}: a rolling update of a quorum workload takes down no more members
 * at once than the quorum can spare.
 *
 * <p>The number of members taken down is {@code maxUnavailable} as the StatefulSet controller
 * scales it (a percentage of the replicas rounded down, at least 1), capped at the replica count. A
 * rolling update always takes down at least one member, so 1 is never reported (a set too small to
 * lose even one member is the business of {@code replicas-quorum}). Above 1, the rule reports:
 *
 * <ul>
 *   <li>more members than the quorum tolerates ({@link QuorumSize#tolerated}): every rollout loses
 *       quorum; reported whatever the {@code max} parameter says;
 *   <li>otherwise, more than {@code max} (default 1): the rollout uses up the failure margin the
 *       quorum keeps for unplanned failures.
 * </ul>
 */
final class RollingMaxUnavailableRule implements Rule {

  static final String MAX = "max";
  static final String FIELD = "spec.updateStrategy.rollingUpdate.maxUnavailable";

  static final RuleInfo INFO =
      new RuleInfo(
          "rolling-max-unavailable",
          "Rolling updates of a quorum workload take down one member at a time"
              + " (rollingUpdate.maxUnavailable)",
          "rollingUpdate.maxUnavailable lets the StatefulSet controller take several pods down at"
              + " once during a rolling update (honoured where the MaxUnavailableStatefulSet"
              + " feature is enabled; a percentage is scaled against the replicas and rounded"
              + " down, to at least 1). Every member down for the update is one the quorum cannot"
              + " lose to anything else: more than the quorum tolerates and every rollout loses"
              + " quorum (writes stop, an election follows); more than one uses up the margin an"
              + " unrelated node failure or eviction during the rollout needs.",
          "Remove spec.updateStrategy.rollingUpdate.maxUnavailable (the default is 1) or set it"
              + " to 1. Where a large set deliberately rolls faster, raise the rule's max"
              + " parameter in its policy; a value above what the quorum tolerates is reported"
              + " whatever max says. To override for one set, annotate it"
              + " stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.integer(
                  MAX,
                  1,
                  "The most members a rolling update may take down at once. 1, Kubernetes'"
                      + " default, leaves all of the quorum's failure tolerance for unplanned"
                      + " failures during the rollout; a value the quorum cannot tolerate is"
                      + " reported whatever this says.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (ctx.workloadClass() != WorkloadClass.QUORUM) {
      return;
    }
    StatefulSet set = ctx.statefulSet();
    Optional<IntOrString> value = StatefulSetFields.maxUnavailable(set);
    int replicas = StatefulSetFields.replicas(set);
    if (value.isEmpty() || !StatefulSetFields.rollingUpdate(set) || replicas <= 0) {
      return;
    }
    OptionalInt scaled = StatefulSetFields.scaledMaxUnavailable(value.get(), replicas);
    if (scaled.isEmpty()) {
      return;
    }
    int down = Math.min(scaled.getAsInt(), replicas);
    if (down <= 1) {
      return;
    }
    int max = ctx.params().integer(MAX);
    QuorumSize quorum = ctx.quorum();
    int needed = quorum.of(replicas);
    int tolerated = quorum.tolerated(replicas);
    String takes =
        ctx.subjectRef()
            + " lets a rolling update take "
            + down
            + " of "
            + replicas
            + " members down at once (maxUnavailable: "
            + describe(value.get(), replicas)
            + ")";
    if (down > tolerated) {
      ctx.report(
          takes
              + ", but quorum needs "
              + needed
              + " of "
              + replicas
              + " up, so it tolerates only "
              + tolerated
              + " down: every rollout loses quorum; set "
              + FIELD
              + " to 1",
          FIELD);
    } else if (down > max) {
      int margin = tolerated - down;
      ctx.report(
          takes
              + ", more than the "
              + max
              + " allowed: with quorum at "
              + needed
              + " of "
              + replicas
              + ", "
              + (margin == 0
                  ? "any other failure during the rollout loses quorum"
                  : "only "
                      + StatefulSetFields.count(margin, "other failure")
                      + " during the rollout can be survived")
              + "; set "
              + FIELD
              + " to "
              + max,
          FIELD);
    }
  }

  /** {@code 2}, or {@code 50% of 5, rounded down} for a percentage. */
  private static String describe(IntOrString value, int replicas) {
    return value.getIntVal() != null
        ? value.getIntVal().toString()
        : value.getStrVal() + " of " + replicas + ", rounded down";
  }
}
