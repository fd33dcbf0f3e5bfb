package io.stateguard.policy.rules;

import static io.stateguard.policy.rules.ClusterFixtures.headless;
import static io.stateguard.policy.rules.ClusterFixtures.service;
import static io.stateguard.policy.rules.ClusterFixtures.statefulSet;
import static io.stateguard.policy.rules.ClusterFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadlessServiceTest {

  private final HeadlessService rule = new HeadlessService();
  private final StatefulSet zk = statefulSet("zk", 3, WorkloadClass.DEFAULT);

  @Test
  void allowsASetWhoseHeadlessServiceSelectsItsPods() {
    // Given
    ClusterView view = view(zk, headless("zk-hs", Map.of("app", "zk")));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings).isEmpty();
  }

  @Test
  void allowsAServiceSelectingASubsetOfThePodLabels() {
    // Given: the pods carry app=zk and tier=coordination
    StatefulSet set =
        statefulSet(
            ClusterFixtures.NS,
            "zk",
            3,
            WorkloadClass.DEFAULT,
            Map.of("app", "zk", "tier", "coordination"));

    // When
    List<Finding> findings =
        RuleHarness.check(rule, set, view(set, headless("zk-hs", Map.of("app", "zk"))), Map.of());

    // Then
    assertThat(findings).isEmpty();
  }

  @Test
  void reportsASetThatNamesNoService() {
    // Given
    zk.getSpec().setServiceName(null);

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view(zk), Map.of());

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo("headless-service");
              assertThat(f.field()).isEqualTo("spec.serviceName");
              assertThat(f.message())
                  .isEqualTo(
                      "statefulset data/zk sets no spec.serviceName: its pods get no DNS names and"
                          + " peers cannot find each other; create a headless Service (clusterIP:"
                          + " None) selecting app=zk and name it in spec.serviceName");
            });
  }

  @Test
  void reportsAServiceThatDoesNotExistInTheSetsNamespace() {
    // Given: a service of that name exists, but in another namespace
    ClusterView view =
        view(
            zk,
            new ServiceBuilder(headless("zk-hs", Map.of("app", "zk")))
                .editMetadata()
                .withNamespace("other")
                .endMetadata()
                .build());

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "statefulset data/zk names service data/zk-hs in spec.serviceName, but no such service"
                + " exists: its pods get no DNS names and peers cannot find each other; create it"
                + " with clusterIP: None and selector app=zk");
  }

  @Test
  void reportsAServiceWithAClusterIp() {
    // Given
    ClusterView view = view(zk, service("zk-hs", "10.96.0.12", Map.of("app", "zk")));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "service data/zk-hs, named by statefulset data/zk in spec.serviceName, is not headless"
                + " (clusterIP: 10.96.0.12): its pods get no DNS names and peers cannot find each"
                + " other; set clusterIP: None (the API server does not change clusterIP in place:"
                + " delete and recreate the service)");
  }

  @Test
  void reportsAServiceThatLeavesClusterIpToTheApiServer() {
    // Given: no clusterIP in the manifest, so the API server assigns a virtual IP
    ClusterView view = view(zk, service("zk-hs", null, Map.of("app", "zk")));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement(STRING)
        .contains("is not headless (no clusterIP, so it gets a virtual IP)");
  }

  @Test
  void reportsAServiceWhoseSelectorDoesNotSelectThePods() {
    // Given
    ClusterView view = view(zk, headless("zk-hs", Map.of("app", "zookeeper")));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .containsExactly(
            "service data/zk-hs, named by statefulset data/zk in spec.serviceName, selects"
                + " app=zookeeper, which does not match the pod labels app=zk: its pods get no DNS"
                + " names and peers cannot find each other; set its selector to app=zk or another"
                + " subset of the pod labels");
  }

  @Test
  void reportsAServiceWithoutSelector() {
    // Given: a selector-less service selects no pods; its endpoints are managed by hand
    ClusterView view = view(zk, headless("zk-hs", Map.of()));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .singleElement(STRING)
        .contains("has no selector, so it selects none of the set's pods")
        .endsWith("give it selector app=zk");
  }

  @Test
  void reportsEveryProblemOfTheServiceAtOnce() {
    // Given: neither headless nor selecting the pods
    ClusterView view = view(zk, service("zk-hs", "10.96.0.12", Map.of("app", "kafka")));

    // When
    List<Finding> findings = RuleHarness.check(rule, zk, view, Map.of());

    // Then
    assertThat(findings)
        .extracting(Finding::message)
        .satisfiesExactly(
            m -> assertThat(m).contains("is not headless"),
            m -> assertThat(m).contains("selects app=kafka, which does not match"));
  }

  @Test
  void warnsByDefaultSoThatASetAppliedBeforeItsServiceIsNotDenied() {
    // Given: a policy that names the rule without a mode
    ClusterView view = view(zk);

    // When
    Verdict verdict =
        RuleHarness.verdict(
            rule,
            zk,
            view,
            new Policy(
                "defaults",
                "test",
                0,
                Policy.Match.ALL,
                List.of(),
                Optional.empty(),
                Map.of(),
                Policy.Exemptions.NONE));

    // Then
    assertThat(verdict.allowed()).isTrue();
    assertThat(verdict.findings()).extracting(Finding::mode).containsExactly(Mode.WARN);
  }

  @Test
  void readsARealisticManifestPair() {
    // Given
    StatefulSet set =
        RuleHarness.parse(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: etcd, namespace: data}
            spec:
              serviceName: etcd
              replicas: 3
              selector: {matchLabels: {app.kubernetes.io/name: etcd}}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: etcd, app.kubernetes.io/part-of: control}
                spec:
                  containers: [{name: etcd, image: "quay.io/coreos/etcd:v3.5.13"}]
            """,
            StatefulSet.class);
    Service svc =
        RuleHarness.parse(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: etcd, namespace: data}
            spec:
              clusterIP: None
              publishNotReadyAddresses: true
              selector: {app.kubernetes.io/name: etcd}
              ports: [{name: peer, port: 2380}]
            """,
            Service.class);

    // Then
    assertThat(RuleHarness.check(rule, set, view(set, svc), Map.of())).isEmpty();
    assertThat(RuleHarness.check(rule, set, view(set), Map.of()))
        .extracting(Finding::message)
        .singleElement(STRING)
        .contains("names service data/etcd")
        .endsWith("selector app.kubernetes.io/name=etcd");
  }
}
