package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesRuleTest {

  private final ResourcesRule rule = new ResourcesRule();

  private static final String DB = "spec.template.spec.containers[db].resources";

  private static StatefulSet withResources(String container, String yaml) {
    StatefulSet set = PodTemplates.clean();
    PodTemplates.container(set, container)
        .setResources(
            yaml == null ? null : PodTemplates.fragment(yaml, ResourceRequirements.class));
    return set;
  }

  @Test
  void acceptsTheCleanSet() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void reportsAContainerWithoutResourcesThatMakesThePodBestEffort() {
    // Given no container of the pod sets any resources
    StatefulSet set = withResources("db", null);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    assertThat(findings.get(0).field()).isEqualTo(DB);
    assertThat(findings.get(0).message())
        .isEqualTo(
            "container db of statefulset data/pg sets no requests.cpu, requests.memory,"
                + " limits.memory: no container of the pod requests anything, so the pod is"
                + " BestEffort: placed anywhere and the first evicted under node pressure; without"
                + " a CPU request it gets only leftover CPU under contention, so heartbeats and"
                + " replication time out; without a memory limit it can take the node's memory and"
                + " get its neighbours OOM-killed; set them in its resources");
  }

  @Test
  void namesOnlyTheMissingKeys() {
    StatefulSet set = withResources("db", "{requests: {cpu: 500m}}");

    List<Finding> findings = RuleHarness.check(rule, set);

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains("sets no requests.memory, limits.memory: without a memory request")
        .doesNotContain("BestEffort")
        .doesNotContain("CPU request");
  }

  @Test
  void countsALimitAsTheRequestTheApiServerWillDefaultFromIt() {
    StatefulSet set = withResources("db", "{limits: {cpu: '1', memory: 2Gi}}");

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void doesNotCountARequestAsALimit() {
    StatefulSet set = withResources("db", "{requests: {cpu: 500m, memory: 1Gi}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("sets no limits.memory: without a memory limit");
  }

  @Test
  void countsAZeroQuantityAsMissing() {
    StatefulSet set =
        withResources("db", "{requests: {cpu: '0', memory: 1Gi}, limits: {memory: 1Gi}}");

    assertThat(PodTemplates.messages(RuleHarness.check(rule, set)))
        .singleElement()
        .asString()
        .contains("sets no requests.cpu:");
  }

  @Test
  void ignoresInitContainersThatRunToCompletion() {
    StatefulSet set = withResources("init", null);

    assertThat(RuleHarness.check(rule, set)).isEmpty();
  }

  @Test
  void checksNativeSidecarsAndEveryContainer() {
    // Given a native sidecar and a second container, neither with resources
    StatefulSet set = PodTemplates.clean();
    PodTemplates.container(set, "init").setRestartPolicy("Always");
    Container exporter = new Container();
    exporter.setName("exporter");
    exporter.setImage("prometheuscommunity/postgres-exporter:v0.15.0");
    List<Container> containers = new ArrayList<>(PodTemplates.pod(set).getContainers());
    containers.add(exporter);
    PodTemplates.pod(set).setContainers(containers);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(PodTemplates.fields(findings))
        .containsExactly(
            "spec.template.spec.initContainers[init].resources",
            "spec.template.spec.containers[exporter].resources");
    assertThat(findings.get(0).message()).startsWith("init container init of statefulset data/pg");
    assertThat(findings.get(1).message()).doesNotContain("BestEffort");
  }

  @Test
  void requiresWhatThePolicyLists() {
    StatefulSet set =
        withResources("db", "{requests: {cpu: 500m, memory: 1Gi}, limits: {nvidia.com/gpu: 1}}");
    Map<String, Object> params =
        Map.of(
            "require",
            List.of("requests.memory", "limits.nvidia.com/gpu", "requests.ephemeral-storage"));

    List<Finding> findings = RuleHarness.check(rule, set, params);

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains(
            "sets no requests.ephemeral-storage: the policy requires it; set it in its resources");
  }

  @Test
  void reportsRequireEntriesItCannotRead() {
    StatefulSet set = withResources("db", "{requests: {cpu: 500m, memory: 1Gi}}");

    List<Finding> findings =
        RuleHarness.check(rule, set, Map.of("require", List.of("memory", "limits.memory")));

    assertThat(PodTemplates.messages(findings))
        .containsExactly(
            "the require parameter of rule resources for statefulset data/pg lists memory, not of"
                + " the form requests.<resource> or limits.<resource>; those entries are ignored"
                + " until the policy is fixed",
            "container db of statefulset data/pg sets no limits.memory: without a memory limit it"
                + " can take the node's memory and get its neighbours OOM-killed; set it in its"
                + " resources");
  }
}
