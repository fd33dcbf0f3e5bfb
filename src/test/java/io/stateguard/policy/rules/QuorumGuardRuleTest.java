package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.Members.ADMIN;
import static io.stateguard.policy.rules.Members.delete;
import static io.stateguard.policy.rules.Members.pod;
import static io.stateguard.policy.rules.Members.ready;
import static io.stateguard.policy.rules.Members.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.DisruptionVerdict;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PodDisruption;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.WorkloadClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumGuardRuleTest {

  private static final QuorumGuardRule RULE = new QuorumGuardRule();

  private static PolicyEngine engine(Map<String, Object> params) {
    return new PolicyEngine(
        new PolicySet(List.of(RuleHarness.policy(RULE, Mode.ENFORCE, params, Set.of()))),
        List.of(RULE));
  }

  private static DisruptionVerdict decide(
      Admission admission, StatefulSet set, List<Pod> members, Set<String> reserved) {
    return decide(engine(Map.of()), admission, set, members, reserved);
  }

  private static DisruptionVerdict decide(
      PolicyEngine engine,
      Admission admission,
      StatefulSet set,
      List<Pod> members,
      Set<String> reserved) {
    Pod pod = (Pod) admission.oldObject().orElseThrow();
    return engine.evaluateDisruption(
        admission, new PodDisruption(pod, set, members, reserved, false), ClusterView.empty());
  }

  @Test
  void allowsDeleteThatKeepsQuorumAndReservesIt() {
    // Given a set of 3, all Ready
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = ready(zk);

    // When zk-1 is deleted
    DisruptionVerdict v = decide(delete("u1", members.get(1), ADMIN, false), zk, members, Set.of());

    // Then it is allowed, and the member must be held
    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).as("an allowed delete of a Ready member is reserved").isTrue();
    assertThat(v.covered()).isTrue();
  }

  @Test
  void deniesDeleteThatWouldBreakQuorum() {
    // Given a set of 3 whose zk-0 is not Ready
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));

    // When zk-1 is deleted
    DisruptionVerdict v = decide(delete("u1", members.get(1), ADMIN, false), zk, members, Set.of());

    // Then it is denied, naming the pod, the count, the quorum and the ways on
    assertThat(v.allowed()).isFalse();
    assertThat(v.reserve()).isFalse();
    assertThat(v.verdict().violations())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("quorum-guard");
              assertThat(f.message())
                  .isEqualTo(
                      "deleting pod data/zk-1 would leave 1 of 3 members of statefulset data/zk"
                          + " ready; quorum needs 2: wait for the others to be Ready, evict"
                          + " instead (respects PDBs), or set stateguard.io/break-glass on the"
                          + " pod with a reason");
            });
  }

  @Test
  void countsMembersHeldByOtherDeletesAsGone() {
    // Given a set of 3, all Ready, whose zk-0 delete was already allowed and is held
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = ready(zk);

    // When zk-2 is deleted
    DisruptionVerdict v =
        decide(delete("u2", members.get(2), ADMIN, false), zk, members, Set.of("zk-0-uid"));

    // Then it is denied: only zk-1 would stay
    assertThat(v.allowed()).isFalse();
    assertThat(v.verdict().violations().get(0).message())
        .contains("would leave 1 of 3 members")
        .contains("other deletes already in progress hold some");
  }

  @Test
  void repeatedReviewOfAHeldDeleteGetsTheSameAnswer() {
    // Given a set of 3 where the delete of zk-1 is already held
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = ready(zk);

    // When the API server asks again about zk-1 (a second review of the same delete)
    DisruptionVerdict v =
        decide(delete("u1-again", members.get(1), ADMIN, false), zk, members, Set.of("zk-1-uid"));

    // Then it is allowed again, against the same reservation
    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).isTrue();
  }

  @Test
  void allowsDeleteOfPodThatIsNotReadyWithoutReserving() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, true), pod(zk, 1, false), pod(zk, 2, false));

    DisruptionVerdict v = decide(delete("u1", members.get(1), ADMIN, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).as("a member that does not count takes nothing away").isFalse();
  }

  @Test
  void allowsDeleteOfPodBeingScaledAway() {
    // Given a set scaled from 5 to 3 whose zk-4 still runs
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = new ArrayList<>(ready(zk));
    members.add(pod(zk, 4, true));
    members.set(0, pod(zk, 0, false));

    DisruptionVerdict v = decide(delete("u1", members.get(3), ADMIN, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).isFalse();
  }

  @Test
  void allowsTheFinalReviewOfARealDelete() {
    // Given the API server's last review of a kubectl delete pod (deletionTimestamp set, grace 0)
    AdmissionRequest request = Members.review("pod-delete-final.json").getRequest();
    Pod pod = (Pod) request.getOldObject();
    StatefulSet web = set("demo", "web", 5);
    List<Pod> others = List.of(pod(web, 1, false), pod(web, 2, false), pod(web, 3, false));
    Admission admission = delete(request.getUid(), pod, user(request), false);

    // When
    DisruptionVerdict v = decide(admission, web, withPod(pod, others), Set.of());

    // Then it is allowed without a reservation, though most members are down
    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).isFalse();
  }

  @Test
  void deniesTheFirstReviewOfARealDeleteBelowQuorum() {
    // Given the API server's first review of kubectl delete pod web-0, in a set of 5 where only
    // web-0, web-1 and web-2 are Ready
    AdmissionRequest request = Members.review("pod-delete.json").getRequest();
    Pod pod = (Pod) request.getOldObject();
    StatefulSet web = set("demo", "web", 5);
    List<Pod> others =
        List.of(pod(web, 1, true), pod(web, 2, true), pod(web, 3, false), pod(web, 4, false));
    Admission admission = delete(request.getUid(), pod, user(request), false);

    // When
    DisruptionVerdict v = decide(admission, web, withPod(pod, others), Set.of());

    // Then
    assertThat(v.allowed()).isFalse();
    assertThat(v.verdict().violations().get(0).message())
        .startsWith(
            "deleting pod demo/web-0 would leave 2 of 5 members of statefulset demo/web ready;"
                + " quorum needs 3");
  }

  @Test
  void exemptsTheStatefulSetController() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    UserInfo controller =
        new UserInfo(
            "system:serviceaccount:kube-system:statefulset-controller",
            List.of("system:serviceaccounts", "system:serviceaccounts:kube-system"));

    DisruptionVerdict v =
        decide(delete("u1", members.get(1), controller, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.verdict().findings()).isEmpty();
    assertThat(v.reserve()).isFalse();
  }

  @Test
  void exemptsGroupsTheRuleNames() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    UserInfo operator = new UserInfo("zk-operator", List.of("operators"));
    PolicyEngine engine = engine(Map.of("exemptGroups", List.of("operators")));

    DisruptionVerdict v =
        decide(engine, delete("u1", members.get(1), operator, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
  }

  @Test
  void breakGlassOnThePodAllowsAndIsMarked() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    Pod target = members.get(1);
    target.getMetadata().setAnnotations(Map.of("stateguard.io/break-glass", "INC-42 disk full"));

    DisruptionVerdict v = decide(delete("u1", target, ADMIN, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.breakGlass()).hasValueSatisfying(r -> assertThat(r).contains("INC-42 disk full"));
    assertThat(v.verdict().exemption()).isPresent();
    assertThat(v.verdict().findings()).as("the finding is kept for the record").hasSize(1);
    assertThat(v.reserve()).isFalse();
  }

  @Test
  void breakGlassOnTheStatefulSetAllows() {
    StatefulSet zk = set("data", "zk", 3);
    zk.getMetadata().setAnnotations(Map.of("stateguard.io/break-glass", "restore from backup"));
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));

    DisruptionVerdict v = decide(delete("u1", members.get(1), ADMIN, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.breakGlass())
        .hasValueSatisfying(r -> assertThat(r).contains("restore from backup", "statefulset"));
  }

  @Test
  void breakGlassWithoutAReasonDoesNotCount() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    Pod target = members.get(1);
    target.getMetadata().setAnnotations(Map.of("stateguard.io/break-glass", " "));

    DisruptionVerdict v = decide(delete("u1", target, ADMIN, false), zk, members, Set.of());

    assertThat(v.allowed()).isFalse();
  }

  @Test
  void breakGlassGroupAllowsAndIsMarked() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    UserInfo sre = new UserInfo("alice", List.of("sre-oncall"));
    PolicyEngine engine = engine(Map.of("breakGlassGroups", List.of("sre-oncall")));

    DisruptionVerdict v =
        decide(engine, delete("u1", members.get(1), sre, false), zk, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.breakGlass())
        .contains("break-glass (group sre-oncall): a break-glass group's member");
  }

  @Test
  void leavesClassesItDoesNotProtectAlone() {
    StatefulSet cache = set("data", "cache", 3);
    cache.getMetadata().setLabels(Map.of("app", "cache", WorkloadClass.LABEL, "cache"));
    List<Pod> members = List.of(pod(cache, 0, false), pod(cache, 1, true), pod(cache, 2, false));

    DisruptionVerdict v =
        decide(delete("u1", members.get(1), ADMIN, false), cache, members, Set.of());

    assertThat(v.allowed()).isTrue();
    assertThat(v.reserve()).isFalse();
  }

  @Test
  void offInThePolicyMeansNotCovered() {
    PolicyEngine engine =
        new PolicyEngine(
            new PolicySet(List.of(RuleHarness.policy(RULE, Mode.OFF, Map.of(), Set.of()))),
            List.of(RULE));
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));

    DisruptionVerdict v =
        decide(engine, delete("u1", members.get(1), ADMIN, false), zk, members, Set.of());

    assertThat(v.covered()).isFalse();
    assertThat(v.allowed()).isTrue();
  }

  @Test
  void evictionMessageDoesNotSuggestEvicting() {
    StatefulSet zk = set("data", "zk", 3);
    List<Pod> members = List.of(pod(zk, 0, false), pod(zk, 1, true), pod(zk, 2, true));
    Admission evict =
        new Admission(
            "u1",
            Operation.CREATE,
            "Eviction",
            "eviction",
            "data",
            "zk-1",
            Optional.of(members.get(1)),
            Optional.empty(),
            Optional.empty(),
            ADMIN,
            false);

    DisruptionVerdict v =
        engine(Map.of())
            .evaluateDisruption(
                evict,
                new PodDisruption(members.get(1), zk, members, Set.of(), true),
                ClusterView.empty());

    assertThat(v.verdict().violations().get(0).message())
        .startsWith("evicting pod data/zk-1 would leave 1 of 3")
        .doesNotContain("evict instead");
  }

  private static List<Pod> withPod(Pod pod, List<Pod> others) {
    List<Pod> all = new ArrayList<>(others);
    all.add(0, pod);
    return all;
  }

  private static UserInfo user(AdmissionRequest request) {
    return new UserInfo(request.getUserInfo().getUsername(), request.getUserInfo().getGroups());
  }
}
