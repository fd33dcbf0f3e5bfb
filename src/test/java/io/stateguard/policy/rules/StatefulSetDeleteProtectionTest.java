package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatefulSetDeleteProtectionTest {

  private static final StatefulSetDeleteProtection RULE = new StatefulSetDeleteProtection();
  private static final PolicyEngine ENGINE =
      new PolicyEngine(
          new PolicySet(List.of(RuleHarness.policy(RULE, Mode.ENFORCE, Map.of(), Set.of()))),
          List.of(RULE));

  private static Admission delete(StatefulSet set, Object options, UserInfo user) {
    return new Admission(
        "u1",
        Operation.DELETE,
        "StatefulSet",
        "",
        set.getMetadata().getNamespace(),
        set.getMetadata().getName(),
        Optional.empty(),
        Optional.of(set),
        Optional.ofNullable(options),
        user,
        false);
  }

  private static Admission fixture() {
    AdmissionRequest r = Members.review("statefulset-delete.json").getRequest();
    return new Admission(
        r.getUid(),
        Operation.DELETE,
        r.getKind().getKind(),
        r.getSubResource(),
        r.getNamespace(),
        r.getName(),
        Optional.empty(),
        Optional.of((StatefulSet) r.getOldObject()),
        Optional.ofNullable(r.getOptions()),
        new UserInfo(r.getUserInfo().getUsername(), r.getUserInfo().getGroups()),
        r.getDryRun());
  }

  @Test
  void deniesPlainDeleteOfARealSetThatDeletesItsVolumes() {
    // Given the API server's review of kubectl delete sts web (whenDeleted: Delete)
    Admission admission = fixture();

    // When
    Verdict v = ENGINE.evaluate(admission, ClusterView.empty());

    // Then
    assertThat(v.allowed()).isFalse();
    assertThat(v.violations())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("statefulset-delete-protection");
              assertThat(f.message())
                  .isEqualTo(
                      "deleting statefulset demo/web would stop all 5 of its members and its"
                          + " volumes (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete):"
                          + " annotate it first with kubectl annotate sts web -n demo"
                          + " stateguard.io/allow-delete=\"<reason>\"");
            });
  }

  @Test
  void deniesPlainDeleteOfAQuorumSet() {
    StatefulSet zk = Members.set("data", "zk", 3);

    Verdict v = ENGINE.evaluate(delete(zk, null, Members.ADMIN), ClusterView.empty());

    assertThat(v.allowed()).isFalse();
    assertThat(v.violations().get(0).message()).contains("--cascade=orphan");
  }

  @Test
  void allowsDeleteOfAnAnnotatedSet() {
    StatefulSet zk = Members.set("data", "zk", 3);
    zk.getMetadata().setAnnotations(Map.of("stateguard.io/allow-delete", "migrating to zk2"));

    Verdict v = ENGINE.evaluate(delete(zk, null, Members.ADMIN), ClusterView.empty());

    assertThat(v.allowed()).isTrue();
    assertThat(v.findings()).isEmpty();
  }

  @Test
  void allowsAnnotatedDeleteOfTheRealSet() {
    Admission admission = fixture();
    admission
        .oldObject()
        .orElseThrow()
        .getMetadata()
        .getAnnotations()
        .put("stateguard.io/allow-delete", "decommissioned");

    assertThat(ENGINE.evaluate(admission, ClusterView.empty()).allowed()).isTrue();
  }

  @Test
  void allowsOrphanDelete() {
    // Given DeleteOptions as kubectl delete sts --cascade=orphan sends them
    StatefulSet zk = Members.set("data", "zk", 3);
    Object orphan =
        new DeleteOptionsBuilder()
            .withApiVersion("meta.k8s.io/v1")
            .withPropagationPolicy("Orphan")
            .build();

    Verdict v = ENGINE.evaluate(delete(zk, orphan, Members.ADMIN), ClusterView.empty());

    assertThat(v.allowed()).isTrue();
  }

  @Test
  void allowsOrphanDeleteGivenAsAMap() {
    StatefulSet zk = Members.set("data", "zk", 3);

    Verdict v =
        ENGINE.evaluate(
            delete(zk, Map.of("propagationPolicy", "Orphan"), Members.ADMIN), ClusterView.empty());

    assertThat(v.allowed()).isTrue();
  }

  @Test
  void orphanDeleteOfASetThatDeletesItsVolumesStillNeedsTheAnnotation() {
    Admission admission = fixture();
    Admission orphan =
        new Admission(
            admission.uid(),
            admission.operation(),
            admission.kind(),
            "",
            admission.namespace(),
            admission.name(),
            Optional.empty(),
            admission.oldObject(),
            Optional.of(new DeleteOptionsBuilder().withPropagationPolicy("Orphan").build()),
            admission.user(),
            false);

    assertThat(ENGINE.evaluate(orphan, ClusterView.empty()).allowed()).isFalse();
  }

  @Test
  void exemptsTheGarbageCollector() {
    StatefulSet zk = Members.set("data", "zk", 3);
    UserInfo gc =
        new UserInfo("system:serviceaccount:kube-system:generic-garbage-collector", List.of());

    assertThat(ENGINE.evaluate(delete(zk, null, gc), ClusterView.empty()).allowed()).isTrue();
  }

  @Test
  void leavesUnprotectedClassesAlone() {
    StatefulSet cache = Members.set("data", "cache", 3);
    cache.getMetadata().setLabels(Map.of("app", "cache", "stateguard.io/class", "cache"));

    assertThat(ENGINE.evaluate(delete(cache, null, Members.ADMIN), ClusterView.empty()).allowed())
        .isTrue();
  }

  @Test
  void breakGlassAllowsAndIsRecorded() {
    StatefulSet zk = Members.set("data", "zk", 3);
    zk.getMetadata().setAnnotations(Map.of("stateguard.io/break-glass", "INC-7"));

    Verdict v = ENGINE.evaluate(delete(zk, null, Members.ADMIN), ClusterView.empty());

    assertThat(v.allowed()).isTrue();
    assertThat(v.exemption()).hasValueSatisfying(e -> assertThat(e).contains("INC-7"));
  }
}
