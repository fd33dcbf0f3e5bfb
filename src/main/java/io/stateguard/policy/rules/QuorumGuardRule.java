package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Pod;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.PodDisruption;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Optional;

/**
 * {@code quorum-guard}: a Pod DELETE or eviction of a StatefulSet member is allowed only while the
 * members that stay Ready still form the quorum.
 *
 * <p>The count is of members that are Ready, not terminating, below {@code spec.replicas}, and not
 * held by another allowed delete in the disruption ledger. Deleting a member that does not count
 * (not Ready, already terminating, being scaled away) takes nothing away; a member already held for
 * this very pod (the API server's repeated reviews of one delete) is allowed again.
 */
final class QuorumGuardRule implements Rule {

  static final String CLASSES = "classes";
  static final String EXEMPT_USERS = "exemptUsers";
  static final String EXEMPT_GROUPS = "exemptGroups";

  /** The controllers whose pod deletes are Kubernetes' own repair and rollout work. */
  static final List<String> DEFAULT_EXEMPT_USERS =
      List.of(
          "system:serviceaccount:kube-system:statefulset-controller",
          "system:serviceaccount:kube-system:generic-garbage-collector",
          "system:serviceaccount:kube-system:node-controller",
          "system:serviceaccount:kube-system:taint-eviction-controller");

  static final RuleInfo INFO =
      new RuleInfo(
          "quorum-guard",
          "A pod delete or eviction never leaves a StatefulSet's Ready members below quorum",
          "kubectl delete pod and kubectl delete pods -l app=zk bypass PodDisruptionBudgets"
              + " entirely: the API server deletes what it is told. On a quorum system (ZooKeeper,"
              + " etcd, KRaft controllers) deleting one member too many stops every write, and a"
              + " label selector deletes them all at once. The guard counts the members that are"
              + " Ready, not terminating and not already being deleted by an allowed request (the"
              + " disruption ledger holds those, across webhook replicas, so concurrent deletes"
              + " cannot all see the same count), and denies the delete that would leave fewer"
              + " than the quorum. Evictions of sets without a PodDisruptionBudget are covered"
              + " too.",
          "Wait until the other members are Ready again, then delete one pod at a time; or evict"
              + " (kubectl drain, the Eviction API), which respects PodDisruptionBudgets. In an"
              + " emergency annotate the pod or its StatefulSet stateguard.io/break-glass:"
              + " \"<reason>\"; the delete is then allowed and recorded as break-glass. Which"
              + " workload classes are protected, and who is exempt, is set in the policy.",
          Mode.ENFORCE,
          RuleInfo.Target.POD_DELETE,
          List.of(
              ParamSpec.strings(
                  CLASSES,
                  List.of("quorum"),
                  "The workload classes whose members are guarded (quorum, database, cache,"
                      + " default)."),
              ParamSpec.strings(
                  EXEMPT_USERS,
                  DEFAULT_EXEMPT_USERS,
                  "User names whose deletes are never checked: by default the StatefulSet"
                      + " controller (rolling updates), the garbage collector, and the node"
                      + " lifecycle and taint eviction controllers (pods of failed nodes)."),
              ParamSpec.strings(
                  EXEMPT_GROUPS, List.of(), "Groups whose deletes are never checked."),
              ParamSpec.strings(
                  PolicyEngine.BREAK_GLASS_GROUPS,
                  List.of(),
                  "Groups whose members may delete past the quorum without an annotation; the"
                      + " delete is recorded as break-glass.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (!ctx.params().strings(CLASSES).contains(ctx.workloadClass().id())) {
      return;
    }
    var user = ctx.admission().user();
    if (ctx.params().strings(EXEMPT_USERS).contains(user.username())
        || user.groups().stream().anyMatch(ctx.params().strings(EXEMPT_GROUPS)::contains)) {
      return;
    }
    PodDisruption d = ctx.disruption();
    Pod requested = d.pod();
    if (PodDisruption.isTerminating(requested)) {
      // The API server's last review of a delete it already allowed (grace 0), or a pod
      // another delete already took away.
      return;
    }
    Optional<Pod> live = d.livePod();
    if (live.isEmpty() || PodDisruption.isTerminating(live.get())) {
      return;
    }
    Pod pod = live.get();
    int replicas = d.replicas();
    int ordinal = PodDisruption.ordinal(pod);
    if (ordinal < 0 || ordinal >= replicas || !PodDisruption.isReady(pod)) {
      return;
    }
    if (d.reserved().contains(d.podUid())) {
      // Already allowed and held: a repeated review of the same delete gets the same answer.
      ctx.reserveMember();
      return;
    }
    int standing = d.standing().size();
    int after = standing - 1;
    int quorum = ctx.quorum().of(replicas);
    if (after >= quorum) {
      ctx.reserveMember();
      return;
    }
    String verb = d.eviction() ? "evicting" : "deleting";
    String held = d.reserved().isEmpty() ? "" : " (other deletes already in progress hold some)";
    String instead =
        d.eviction()
            ? "wait for the others to be Ready"
            : "wait for the others to be Ready, evict instead (respects PDBs)";
    ctx.report(
        verb
            + " pod "
            + ObjectRef.of(pod).qualifiedName()
            + " would leave "
            + Math.max(0, after)
            + " of "
            + replicas
            + " members of "
            + ObjectRef.of(d.set())
            + " ready"
            + held
            + "; quorum needs "
            + quorum
            + ": "
            + instead
            + ", or set stateguard.io/break-glass on the pod with a reason",
        "");
  }
}
