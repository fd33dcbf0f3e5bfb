package io.stateguard.policy.rules;

import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/**
 * {@code termination-grace-period}: pods get long enough between SIGTERM and SIGKILL to shut down
 * cleanly.
 */
final class TerminationGracePeriodRule implements Rule {

  static final String MIN_SECONDS = "minSeconds";
  static final String FIELD = "spec.template.spec.terminationGracePeriodSeconds";

  static final RuleInfo INFO =
      new RuleInfo(
          "termination-grace-period",
          "Pods get at least minSeconds to shut down cleanly (terminationGracePeriodSeconds)",
          "When a pod is deleted, evicted or replaced by a rolling update, its containers get"
              + " SIGTERM and, terminationGracePeriodSeconds later (30 when unset), SIGKILL. A"
              + " database or quorum member needs that time to flush, checkpoint, hand over"
              + " leadership or leave its cluster; killed halfway, it restarts into crash"
              + " recovery, and a rolling update does that to every member in turn.",
          "Set spec.template.spec.terminationGracePeriodSeconds to at least the rule's minSeconds"
              + " (60 by default) and above the slowest clean shutdown measured for the system."
              + " Workloads that stop faster (a cache) can get a lower minSeconds, or another mode,"
              + " in their policy; to override for one set, annotate it stateguard.io/break-glass:"
              + " \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.integer(
                  MIN_SECONDS,
                  60,
                  "The least terminationGracePeriodSeconds accepted. 60 by default because the"
                      + " Kubernetes default of 30 s is shorter than a clean shutdown of many"
                      + " databases and quorum members under load (flushing buffers, a"
                      + " checkpoint, a leadership handover); raise it for systems known to need"
                      + " longer.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    int min = ctx.params().integer(MIN_SECONDS);
    long seconds = StatefulSetFields.terminationGracePeriodSeconds(ctx.statefulSet());
    if (seconds >= min) {
      return;
    }
    ctx.report(
        ctx.subjectRef()
            + " gives its pods terminationGracePeriodSeconds: "
            + seconds
            // Objects are defaulted before they are checked, so an unset field arrives as 30:
            // say where that number comes from to a user who never wrote it.
            + (seconds == StatefulSetFields.DEFAULT_GRACE_PERIOD_SECONDS
                ? " (30 s, the Kubernetes default when the field is not set)"
                : "")
            + ", below the minimum of "
            + min
            + ": a member still shutting down after "
            + seconds
            + " s is killed and restarts into crash recovery; set "
            + FIELD
            + " to "
            + min
            + " or more",
        FIELD);
  }
}
