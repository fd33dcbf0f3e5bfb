package io.stateguard.policy.rules;

import io.stateguard.policy.Mode;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/** {@code update-strategy}: pod template changes must reach the pods without manual deletes. */
final class UpdateStrategyRule implements Rule {

  static final String FIELD = "spec.updateStrategy.type";

  static final RuleInfo INFO =
      new RuleInfo(
          "update-strategy",
          "Pod template changes roll out by themselves (updateStrategy is not OnDelete)",
          "With updateStrategy OnDelete the StatefulSet controller never replaces a running pod:"
              + " a new image, configuration or resource limit reaches a member only when someone"
              + " deletes that pod by hand. Sets drift into running several versions at once, and"
              + " a fix that was applied never reaches the pods, often unnoticed until a restart"
              + " brings in a surprise.",
          "Set spec.updateStrategy.type: RollingUpdate (the default), with a readinessProbe so the"
              + " rollout stops at a broken pod. Where an operator deliberately replaces pods itself"
              + " (some database operators use OnDelete), set this rule's mode to off in that"
              + " workload's policy, or annotate the set stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of());

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (!StatefulSetFields.ON_DELETE.equals(
        StatefulSetFields.updateStrategyType(ctx.statefulSet()))) {
      return;
    }
    ctx.report(
        ctx.subjectRef()
            + " uses updateStrategy OnDelete: a change to its pod template reaches a pod only"
            + " when someone deletes that pod by hand, so pods keep running the old version (or"
            + " a mix of versions) until then; set "
            + FIELD
            + ": RollingUpdate",
        FIELD);
  }
}
