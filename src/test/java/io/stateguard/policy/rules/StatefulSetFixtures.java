package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * StatefulSets and policies for the StatefulSet rule tests. The sets are what the API server hands
 * a webhook (every default filled in) and pass every StatefulSet rule, so a test changes exactly
 * the field it is about.
 */
final class StatefulSetFixtures {

  static final String NAMESPACE = "data";

  private StatefulSetFixtures() {}

  /** {@code statefulset data/zk}, labelled {@code stateguard.io/class: quorum}. */
  static StatefulSet quorumSet(int replicas) {
    StatefulSet set = set("zk", replicas);
    set.getMetadata().getLabels().put(WorkloadClass.LABEL, WorkloadClass.QUORUM.id());
    return set;
  }

  /** {@code statefulset data/web}, of the default class (no class label, no classifier). */
  static StatefulSet defaultClassSet(int replicas) {
    return set("web", replicas);
  }

  /** A set of {@code replicas} pods running one container named like the set. */
  static StatefulSet set(String name, int replicas) {
    return new StatefulSetBuilder()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName(name + "-headless")
        .withPodManagementPolicy("OrderedReady")
        .withRevisionHistoryLimit(10)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withPartition(0)
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(120L)
        .addNewContainer()
        .withName(name)
        .withImage("example.invalid/" + name + ":1.0")
        .withNewReadinessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString(2181))
        .endTcpSocket()
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A policy matching every workload that names no rule: each rule runs in its default mode. */
  static Policy defaultModes() {
    return new Policy(
        "defaults",
        "test",
        0,
        Policy.Match.ALL,
        List.of(),
        Optional.empty(),
        Map.of(),
        Policy.Exemptions.NONE);
  }

  /** A policy matching every workload that enforces {@code rule} under its own quorum size. */
  static Policy withQuorum(Rule rule, QuorumSize quorum, Map<String, Object> params) {
    return new Policy(
        "quorum-" + quorum,
        "test",
        0,
        Policy.Match.ALL,
        List.of(),
        Optional.of(quorum),
        Map.of(rule.id(), new Policy.RuleSetting(Optional.of(Mode.ENFORCE), params)),
        Policy.Exemptions.NONE);
  }

  /** The verdict of {@code rule} alone on an UPDATE from {@code old} to {@code updated}. */
  static Verdict update(Rule rule, StatefulSet old, StatefulSet updated, Policy policy) {
    PolicyEngine engine = new PolicyEngine(new PolicySet(List.of(policy)), List.of(rule));
    Admission admission =
        new Admission(
            "test-uid",
            Operation.UPDATE,
            "StatefulSet",
            "",
            NAMESPACE,
            updated.getMetadata().getName(),
            Optional.of(updated),
            Optional.of(old),
            Optional.empty(),
            new UserInfo("alice", List.of("system:authenticated")),
            false);
    return engine.evaluate(admission, ClusterView.empty());
  }
}
