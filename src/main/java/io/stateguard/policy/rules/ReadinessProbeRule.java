package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Container;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/**
 * {@code readiness-probe}: every container of the pod template has a readiness probe.
 *
 * <p>Init containers never run beside the member and may not have probes, so they are not checked.
 * Sidecars (init containers with {@code restartPolicy: Always}) do count towards the pod's
 * readiness, but usually say nothing about whether the member serves (proxies, log shippers), so
 * they are checked only when the {@code checkSidecars} parameter asks for it.
 */
final class ReadinessProbeRule implements Rule {

  static final String IGNORE_CONTAINERS = "ignoreContainers";
  static final String CHECK_SIDECARS = "checkSidecars";

  static final RuleInfo INFO =
      new RuleInfo(
          "readiness-probe",
          "Every container of the pod template has a readinessProbe",
          "A StatefulSet rolling update moves on to the next pod once the updated one is Ready."
              + " A container without a readinessProbe is Ready as soon as it starts, so a broken"
              + " version rolls over every member in turn, and Services send traffic to members"
              + " that do not serve yet. A probe that checks the member really serves stops the"
              + " rollout at the first broken pod; Kubernetes then waits for that pod forever (even"
              + " after the template is fixed, the stuck pod has to be deleted by hand), which is"
              + " still far better than a whole set on a broken version.",
          "Add a readinessProbe to each container named, checking that the member serves (its"
              + " client port, or the system's own health command) rather than that the process"
              + " runs. Containers whose readiness says nothing about the member (metrics"
              + " exporters) can be listed in the rule's ignoreContainers parameter; sidecars"
              + " (init containers with restartPolicy: Always) are checked only when checkSidecars"
              + " is true. To relax the rule, set its mode in a policy; to override for one set,"
              + " annotate it stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  IGNORE_CONTAINERS,
                  List.of(),
                  "Names of containers that need no readinessProbe, such as a metrics exporter"
                      + " whose readiness says nothing about the member."),
              ParamSpec.bool(
                  CHECK_SIDECARS,
                  false,
                  "Also require a readinessProbe on sidecars (init containers with restartPolicy:"
                      + " Always). Off by default: a sidecar's readiness rarely tells whether the"
                      + " member serves.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    List<String> ignored = ctx.params().strings(IGNORE_CONTAINERS);
    List<Container> containers = StatefulSetFields.containers(ctx.statefulSet());
    for (int i = 0; i < containers.size(); i++) {
      check(ctx, containers.get(i), "containers", i, "container", ignored);
    }
    if (ctx.params().bool(CHECK_SIDECARS)) {
      // Sidecars live among the init containers, and their field paths say so.
      List<Container> initContainers = StatefulSetFields.initContainers(ctx.statefulSet());
      for (int i = 0; i < initContainers.size(); i++) {
        if (StatefulSetFields.isSidecar(initContainers.get(i))) {
          check(ctx, initContainers.get(i), "initContainers", i, "sidecar", ignored);
        }
      }
    }
  }

  private static void check(
      RuleContext ctx,
      Container container,
      String list,
      int index,
      String what,
      List<String> ignored) {
    String name = container.getName();
    if (container.getReadinessProbe() != null || (name != null && ignored.contains(name))) {
      return;
    }
    String key = name == null || name.isEmpty() ? Integer.toString(index) : name;
    ctx.report(
        ctx.subjectRef()
            + ": "
            + what
            + " "
            + key
            + " has no readinessProbe: it counts as ready as soon as it starts, so a rolling"
            + " update moves on even when the new version is broken; add a readinessProbe that"
            + " checks the member serves",
        "spec.template.spec." + list + "[" + key + "].readinessProbe");
  }
}
