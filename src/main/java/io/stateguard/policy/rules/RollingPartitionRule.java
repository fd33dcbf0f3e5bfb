package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/**
 * {@code rolling-partition}: a rolling update's partition left above 0 splits the set between
 * versions, and one at or above the replica count stops every update.
 *
 * <p>Messages count pods from the lowest instead of naming ordinals: with {@code spec.ordinals} the
 * first ordinal need not be 0, while the partition always counts from the first pod.
 */
final class RollingPartitionRule implements Rule {

  static final String FIELD = "spec.updateStrategy.rollingUpdate.partition";

  static final RuleInfo INFO =
      new RuleInfo(
          "rolling-partition",
          "No rollingUpdate.partition is left above 0 (after a canary)",
          "A RollingUpdate with partition p updates only the pods from the p-th up; the pods below"
              + " keep the old template for good, even when they restart or are deleted (they come"
              + " back at the old revision). Left set after a canary, it keeps the set split"
              + " between two versions indefinitely; at or above the replica count, no pod updates"
              + " at all and every change to the pod template is silently ignored.",
          "Set spec.updateStrategy.rollingUpdate.partition to 0 (or remove it) once the canary is"
              + " done. While a canary is deliberately in progress, expect the warning, or set"
              + " the rule's mode to audit in that workload's policy; to override for one set,"
              + " annotate it stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    // OnDelete has no partition (the API server rejects rollingUpdate settings with it).
    if (!StatefulSetFields.rollingUpdate(set)) {
      return;
    }
    int partition = StatefulSetFields.partition(set);
    if (partition <= 0) {
      return;
    }
    int replicas = StatefulSetFields.replicas(set);
    String setting =
        ctx.subjectRef()
            + " has rollingUpdate.partition: "
            + partition
            + " with replicas: "
            + replicas;
    if (partition >= replicas) {
      ctx.report(
          setting
              + ": no pod will ever get template changes (the partition must be below the"
              + " replica count for any pod to update), so every change to the pod template is"
              + " silently ignored; set "
              + FIELD
              + " to 0",
          FIELD);
      return;
    }
    int updated = replicas - partition;
    ctx.report(
        setting
            + ": only the highest "
            + updated
            + " of "
            + StatefulSetFields.count(replicas, "pod")
            + (updated == 1 ? " gets" : " get")
            + " template changes and the lowest "
            + partition
            + (partition == 1 ? " keeps" : " keep")
            + " the old revision, leaving the set split between versions; set "
            + FIELD
            + " to 0 once the canary is done",
        FIELD);
  }
}
