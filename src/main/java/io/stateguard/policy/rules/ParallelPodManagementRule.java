package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.List;

/**
 * {@code parallel-pod-management}: a quorum workload must not start all its members at once.
 *
 * <p>Only creates are checked. {@code podManagementPolicy} is immutable, so an update of a set that
 * already uses Parallel cannot fix it; denying such updates would only block every other change
 * (including urgent fixes) to a set that is already running.
 */
final class ParallelPodManagementRule implements Rule {

  static final RuleInfo INFO =
      new RuleInfo(
          "parallel-pod-management",
          "Quorum workloads start their members one by one (podManagementPolicy: OrderedReady)",
          "With podManagementPolicy: Parallel every member of a new set starts at the same time,"
              + " before any of them has joined an ensemble. Quorum systems (ZooKeeper, etcd,"
              + " Consul, KRaft controllers) then bootstrap without a quorum: members can form"
              + " separate clusters, elect competing leaders, or wait on peers that are starting"
              + " too. OrderedReady starts member n only once members 0 to n-1 are Running and"
              + " Ready, so each new member joins a quorum that already exists.",
          "Remove spec.podManagementPolicy (the default is OrderedReady) or set it to"
              + " OrderedReady. The field is immutable: change an existing set by deleting it with"
              + " `kubectl delete sts NAME --cascade=orphan` (its pods keep running) and creating"
              + " it again. Only creates are checked, so updates of an existing Parallel set are"
              + " not denied. To override for one set, annotate it stateguard.io/break-glass:"
              + " \"<reason>\"; to relax the rule, set its mode (warn, audit or off) in a policy.",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of());

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
    if (!StatefulSetFields.PARALLEL.equals(StatefulSetFields.podManagementPolicy(set))
        || alreadyParallel(ctx)) {
      return;
    }
    int replicas = StatefulSetFields.replicas(set);
    ctx.report(
        ctx.subjectRef()
            + " is a quorum workload with podManagementPolicy: Parallel: "
            + (replicas > 1
                ? "all " + replicas + " members start at once"
                : "new members start at once when it scales up")
            + ", each before its peers are ready, so systems that form their membership at start"
            + " can race while they bootstrap; use"
            + " podManagementPolicy: OrderedReady (the default), or annotate the set"
            + " stateguard.io/break-glass: \"<reason>\" to override",
        "spec.podManagementPolicy");
  }

  /** An update of a set that was already Parallel (the field cannot change on update). */
  private static boolean alreadyParallel(RuleContext ctx) {
    return ctx.admission().operation() == Operation.UPDATE
        && ctx.admission().oldObject().orElse(null) instanceof StatefulSet old
        && StatefulSetFields.PARALLEL.equals(StatefulSetFields.podManagementPolicy(old));
  }
}
