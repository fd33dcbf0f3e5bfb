package io.stateguard.policy.rules;

import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;

/**
 * {@code replicas-quorum}: a quorum workload runs enough members, and no member that adds nothing.
 *
 * <p>"Adds nothing" is judged with the policy's quorum size rather than by parity: a count of n is
 * reported when it tolerates no more failures than n-1 does. Under a majority quorum that is
 * exactly an even count; under a fixed or percentage quorum it is whatever count the arithmetic
 * makes useless. A set scaled to 0 is being shut down on purpose and is not reported.
 */
final class ReplicasQuorumRule implements Rule {

  static final String MIN_REPLICAS = "minReplicas";
  static final String FIELD = "spec.replicas";

  static final RuleInfo INFO =
      new RuleInfo(
          "replicas-quorum",
          "A quorum workload runs an odd number of members, and at least minReplicas",
          "A quorum system stays available while a quorum of its members is up (a majority,"
              + " floor(n/2)+1, unless the policy sets another size). Fewer than three members"
              + " tolerate no failure at all, and two are worse than one: either failing stops the"
              + " system. An even count tolerates no more failures than one member fewer (4"
              + " tolerates 1, like 3) while adding a member that can fail and a vote to wait for.",
          "Set spec.replicas to an odd number of at least minReplicas (3 or 5 for most systems). A"
              + " development set can get a lower minReplicas, or another mode, in its policy; a"
              + " set scaled to 0 is not reported. To override for one set, annotate it"
              + " stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.integer(
                  MIN_REPLICAS,
                  3,
                  "The fewest members a quorum workload may run. 3 is the smallest count that"
                      + " survives the loss of a member under a majority quorum.")));

  /** How far to look for a larger count whose last member adds fault tolerance. */
  private static final int SEARCH = 100;

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (ctx.workloadClass() != WorkloadClass.QUORUM) {
      return;
    }
    int replicas = StatefulSetFields.replicas(ctx.statefulSet());
    if (replicas <= 0) {
      return;
    }
    QuorumSize quorum = ctx.quorum();
    int min = ctx.params().integer(MIN_REPLICAS);
    int tolerated = quorum.tolerated(replicas);
    String tolerance =
        "replicas: "
            + replicas
            + " tolerates "
            + StatefulSetFields.count(tolerated, "failure")
            + "; quorum needs "
            + quorum.of(replicas)
            + " of "
            + replicas;
    if (replicas < min) {
      ctx.report(
          ctx.subjectRef()
              + " runs fewer members than the minimum of "
              + min
              + " for a quorum workload: "
              + tolerance
              + "; set "
              + FIELD
              + " to "
              + usefulFrom(quorum, min)
              + " or more",
          FIELD);
      return;
    }
    if (!addsTolerance(quorum, replicas)) {
      int fewer = replicas - 1;
      ctx.report(
          ctx.subjectRef()
              + " has a member that adds no fault tolerance: "
              + tolerance
              + "; replicas: "
              + fewer
              + " tolerates as many, so the extra member is only one more that can fail and one"
              + " more vote to wait for; set "
              + FIELD
              + " to "
              + (fewer >= min ? fewer + " or " : "")
              + usefulFrom(quorum, replicas + 1),
          FIELD);
    }
  }

  /** Whether the last of {@code n} members lets the set survive one more failure. */
  private static boolean addsTolerance(QuorumSize quorum, int n) {
    return n <= 1 || quorum.tolerated(n) > quorum.tolerated(n - 1);
  }

  /**
   * The smallest count from {@code from} up whose last member adds fault tolerance; {@code from}
   * itself when none does nearby (a quorum fixed at more members than that).
   */
  private static int usefulFrom(QuorumSize quorum, int from) {
    for (int n = from; n < from + SEARCH; n++) {
      if (addsTolerance(quorum, n)) {
        return n;
      }
    }
    return from;
  }
}
