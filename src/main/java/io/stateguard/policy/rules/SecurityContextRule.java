package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/**
 * {@code security-context}: every container of the pod template, init containers included, runs
 * unprivileged, cannot gain privileges, and not as root. A container's own securityContext
 * overrides the pod's for the fields both have.
 */
final class SecurityContextRule implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "security-context",
          "Containers run unprivileged, without privilege escalation, and not as root",
          "A stateful workload holds the data an attacker wants and usually runs for months. A"
              + " privileged container has every capability and the host's devices: a compromise"
              + " of the process is a compromise of the node and of every volume mounted on it."
              + " Unless allowPrivilegeEscalation is false, a setuid binary in the"
              + " image can give the process root. Without runAsNonRoot: true the image decides"
              + " the user, and many database images start as root; a container's runAsNonRoot"
              + " overrides the pod's, so a container can undo the pod's setting. runAsNonRoot:"
              + " true together with runAsUser: 0 is a container the kubelet refuses to start."
              + " A read-only root filesystem keeps binaries and configuration from being altered,"
              + " but databases write sockets, lock and temporary files outside their data"
              + " directory, so it is required only when requireReadOnlyRootFilesystem is set"
              + " (default false). Init containers are checked too: they run with the same access"
              + " to the volumes.",
          "Set in each container's securityContext (or, for runAsNonRoot, the pod's):"
              + " privileged: false (add only the capabilities needed), allowPrivilegeEscalation:"
              + " false, runAsNonRoot: true with a runAsUser/fsGroup the image's files allow, and"
              + " readOnlyRootFilesystem: true with an emptyDir mounted where the process needs"
              + " scratch space. Turn individual checks off with this rule's parameters in a"
              + " policy, or annotate one set stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.bool("forbidPrivileged", true, "Report containers with privileged: true."),
              ParamSpec.bool(
                  "forbidPrivilegeEscalation",
                  true,
                  "Report containers that do not set allowPrivilegeEscalation: false."),
              ParamSpec.bool(
                  "requireRunAsNonRoot",
                  true,
                  "Report containers whose effective runAsNonRoot (the container's, else the"
                      + " pod's) is not true."),
              ParamSpec.bool(
                  "requireReadOnlyRootFilesystem",
                  false,
                  "Report containers without readOnlyRootFilesystem: true. Off by default:"
                      + " databases often need a writable root (sockets, lock and temporary"
                      + " files).")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    PodSpec pod = TemplateContainer.podSpec(ctx.statefulSet()).orElse(null);
    PodSecurityContext podContext = pod == null ? null : pod.getSecurityContext();
    boolean forbidPrivileged = ctx.params().bool("forbidPrivileged");
    boolean forbidEscalation = ctx.params().bool("forbidPrivilegeEscalation");
    boolean requireNonRoot = ctx.params().bool("requireRunAsNonRoot");
    boolean requireReadOnly = ctx.params().bool("requireReadOnlyRootFilesystem");
    String subject = ctx.subjectRef().toString();

    for (TemplateContainer c : TemplateContainer.all(ctx.statefulSet())) {
      SecurityContext sc = c.container().getSecurityContext();
      String who = c.describe() + " of " + subject;
      String field = c.field() + ".securityContext";
      boolean privileged = sc != null && Boolean.TRUE.equals(sc.getPrivileged());

      if (forbidPrivileged && privileged) {
        ctx.report(
            who
                + " runs privileged (securityContext.privileged: true): it has every capability"
                + " and the host's devices, so a compromise of the process is a compromise of the"
                + " node; remove privileged and add only the capabilities it needs",
            field + ".privileged");
      }
      // A privileged container always may escalate; the API server rejects false with it.
      if (forbidEscalation
          && !privileged
          && (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()))) {
        ctx.report(
            who
                + " does not set allowPrivilegeEscalation: false: a setuid binary in the image can"
                + " give the process root; set securityContext.allowPrivilegeEscalation: false",
            field + ".allowPrivilegeEscalation");
      }
      checkUser(ctx, who, field, sc, podContext, requireNonRoot);
      if (requireReadOnly && (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()))) {
        ctx.report(
            who
                + " has a writable root filesystem (readOnlyRootFilesystem is not true): an"
                + " intruder can alter its binaries and configuration; set"
                + " securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the"
                + " process needs scratch space (/tmp, /var/run)",
            field + ".readOnlyRootFilesystem");
      }
    }
  }

  private static void checkUser(
      RuleContext ctx,
      String who,
      String field,
      SecurityContext sc,
      PodSecurityContext pod,
      boolean requireNonRoot) {
    Boolean own = sc == null ? null : sc.getRunAsNonRoot();
    Boolean podNonRoot = pod == null ? null : pod.getRunAsNonRoot();
    Boolean nonRoot = own != null ? own : podNonRoot;
    Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : runAsUser(pod);
    boolean root = user != null && user == 0L;

    if (Boolean.TRUE.equals(nonRoot)) {
      if (root) {
        // Reported whatever requireRunAsNonRoot says: this container never starts.
        ctx.report(
            who
                + " sets runAsNonRoot: true and runAsUser: 0: the kubelet refuses to start it"
                + " (CreateContainerConfigError) and the member never comes up; set runAsUser to"
                + " the non-root user the image's files belong to",
            field + ".runAsUser");
      }
      return;
    }
    if (!requireNonRoot) {
      return;
    }
    String problem;
    String fix =
        "; set runAsNonRoot: true (with a runAsUser the image's files allow) in its or the"
            + " pod's securityContext";
    if (root) {
      problem = " runs as root (runAsUser: 0)";
      fix = "; set runAsUser to a non-root user the image's files allow, and runAsNonRoot: true";
    } else if (Boolean.FALSE.equals(own) && Boolean.TRUE.equals(podNonRoot)) {
      problem = " sets runAsNonRoot: false, overriding the pod's runAsNonRoot: true";
      fix = "; remove runAsNonRoot: false from the container's securityContext";
    } else if (Boolean.FALSE.equals(nonRoot)) {
      problem = " sets runAsNonRoot: false, so it may run as root";
    } else {
      problem =
          " may run as root: neither it nor the pod sets runAsNonRoot: true, so the image decides"
              + " the user (often root)";
    }
    ctx.report(who + problem + fix, field + ".runAsNonRoot");
  }

  private static Long runAsUser(PodSecurityContext pod) {
    return pod == null ? null : pod.getRunAsUser();
  }
}
