package io.stateguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  // --- against what a real API server stored -------------------------------------------------

  static Stream<Path> apiServerFixtures() throws IOException {
    try (Stream<Path> files = Files.list(resource("apiserver"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void readsEveryApiServerFixture() throws IOException {
    // Guards the parameterized test below against silently running on nothing.
    assertThat(apiServerFixtures().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder(
            "pdb-create.json",
            "statefulset-create.json",
            "statefulset-create-denied.json",
            "statefulset-delete.json",
            "statefulset-update.json");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("apiServerFixtures")
  void defaultedManifestHasTheFieldsTheApiServerStored(Path fixture) throws IOException {
    // Given every object in the review that kubectl sent with its raw manifest attached
    JsonNode request = JSON.readTree(fixture.toFile()).get("request");
    List<JsonNode> stored = new ArrayList<>();
    for (String field : List.of("object", "oldObject")) {
      JsonNode object = request.get(field);
      if (object != null
          && object.isObject()
          && object.at("/metadata/annotations").has(LAST_APPLIED)) {
        stored.add(object);
      }
    }
    assertThat(stored).as("objects with a raw manifest in %s", fixture.getFileName()).isNotEmpty();

    for (JsonNode expected : stored) {
      JsonNode raw = JSON.readTree(expected.at("/metadata/annotations").get(LAST_APPLIED).asText());
      HasMetadata object = JSON.treeToValue(raw, typeOf(raw.get("kind").asText()));

      // When
      Defaults.apply(object);

      // Then
      JsonNode actual = JSON.readTree(JSON.writeValueAsString(object));
      assertThat(actual.get("apiVersion")).isEqualTo(expected.get("apiVersion"));
      assertThat(actual.get("kind")).isEqualTo(expected.get("kind"));
      assertThat(actual.at("/metadata/labels")).isEqualTo(expected.at("/metadata/labels"));
      assertThat(pretty(actual.get("spec")))
          .as("spec of %s %s", fixture.getFileName(), expected.at("/metadata/name").asText())
          .isEqualTo(pretty(withoutServerSetFields(expected.get("spec"))));
    }
  }

  @Test
  void defaultedPodHasTheFieldsTheApiServerStored() throws IOException {
    // Given the pod the StatefulSet controller asked for, and the pod the API server stored
    Pod pod = YAML.readValue(resource("pods/web-0-raw.yaml").toFile(), Pod.class);
    JsonNode stored =
        JSON.readTree(resource("pods/pod-delete.json").toFile()).at("/request/oldObject");

    // When
    Defaults.apply(pod);

    // Then
    JsonNode actual = JSON.readTree(JSON.writeValueAsString(pod));
    assertThat(pretty(actual.get("spec"))).isEqualTo(pretty(stored.get("spec")));
  }

  // --- focused behaviour ----------------------------------------------------------------------

  @Test
  void fillsTheStatefulSetDefaultsOfAMinimalManifest() {
    StatefulSet set =
        statefulSet(
            """
        spec:
          selector: {matchLabels: {app: zk}}
          serviceName: zk
          template:
            metadata: {labels: {app: zk}}
            spec:
              containers: [{name: zk, image: zookeeper:3.9}]
        """);

    Defaults.apply(set);

    assertThat(set.getSpec().getReplicas()).isEqualTo(1);
    assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
    assertThat(set.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition()).isZero();
    assertThat(set.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable()).isNull();
    assertThat(set.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Retain");
    assertThat(set.getSpec().getMinReadySeconds()).isNull();
    assertThat(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(30L);
  }

  @Test
  void neverOverwritesWhatTheManifestSets() {
    // Given a manifest that sets every defaulted field to something other than the default
    String yaml =
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: zk}
        spec:
          replicas: 5
          podManagementPolicy: Parallel
          revisionHistoryLimit: 3
          minReadySeconds: 7
          updateStrategy:
            type: RollingUpdate
            rollingUpdate: {partition: 2, maxUnavailable: 2}
          persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}
          template:
            spec:
              restartPolicy: OnFailure
              terminationGracePeriodSeconds: 120
              dnsPolicy: Default
              schedulerName: custom
              securityContext: {runAsNonRoot: true}
              containers:
                - name: zk
                  image: zookeeper:latest
                  imagePullPolicy: Never
                  terminationMessagePath: /tmp/log
                  terminationMessagePolicy: FallbackToLogsOnError
                  resources: {limits: {cpu: "1"}}
                  ports: [{containerPort: 2181, protocol: UDP}]
                  env:
                    - name: NODE
                      valueFrom: {fieldRef: {apiVersion: v2, fieldPath: spec.nodeName}}
                  readinessProbe:
                    timeoutSeconds: 5
                    periodSeconds: 20
                    successThreshold: 2
                    failureThreshold: 9
                    httpGet: {path: /ready, port: 8080, scheme: HTTPS}
              volumes:
                - {name: conf, configMap: {name: zk, defaultMode: 0400}}
          volumeClaimTemplates:
            - apiVersion: v1
              kind: PersistentVolumeClaim
              metadata: {name: data}
              spec:
                volumeMode: Block
                resources: {requests: {storage: 1Gi}}
              status: {phase: Bound}
        """;
    StatefulSet set = statefulSet(yaml);
    JsonNode before = JSON.valueToTree(statefulSet(yaml));

    // When
    Defaults.apply(set);

    // Then
    assertThat(pretty(JSON.valueToTree(set))).isEqualTo(pretty(before));
  }

  @Test
  void isIdempotent() {
    StatefulSet set =
        statefulSet(
            """
        spec:
          template:
            spec:
              containers: [{name: a, image: a, livenessProbe: {grpc: {port: 9000}}}]
        """);
    Defaults.apply(set);
    JsonNode once = JSON.valueToTree(set);

    Defaults.apply(set);

    assertThat(pretty(JSON.valueToTree(set))).isEqualTo(pretty(once));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "zookeeper:latest, Always",
    "zookeeper, Always",
    "docker.io/library/zookeeper, Always",
    "localhost:5000/team/zk, Always",
    "registry.example.com:5000/zk:latest, Always",
    "zookeeper:3.9.2, IfNotPresent",
    "registry.example.com:5000/zk:3.9, IfNotPresent",
    "zookeeper@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
        + " IfNotPresent",
    "zookeeper:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
        + " Always",
    "zookeeper:3.9@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
        + " IfNotPresent",
    "Zookeeper, IfNotPresent",
    "'', IfNotPresent",
  })
  void defaultsThePullPolicyFromTheImageTag(String image, String policy) {
    Pod pod = new Pod();
    pod.setSpec(new io.fabric8.kubernetes.api.model.PodSpec());
    Container c = new Container();
    c.setName("c");
    c.setImage(image);
    pod.getSpec().setContainers(List.of(c));

    Defaults.apply(pod);

    assertThat(c.getImagePullPolicy()).isEqualTo(policy);
  }

  @Test
  void leavesAnExplicitRollingUpdateWithoutABlockAndOnDeleteAlone() {
    StatefulSet rolling = statefulSet("spec: {updateStrategy: {type: RollingUpdate}}");
    StatefulSet onDelete = statefulSet("spec: {updateStrategy: {type: OnDelete}}");

    Defaults.apply(rolling);
    Defaults.apply(onDelete);

    assertThat(rolling.getSpec().getUpdateStrategy().getRollingUpdate()).isNull();
    assertThat(onDelete.getSpec().getUpdateStrategy().getRollingUpdate()).isNull();
  }

  @Test
  void fillsTheRetentionPolicyFieldByField() {
    StatefulSet set =
        statefulSet("spec: {persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}}");

    Defaults.apply(set);

    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Delete");
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
        .isEqualTo("Retain");
  }

  @Test
  void defaultsProbesPortsEnvAndVolumesOfThePodTemplate() {
    StatefulSet set =
        statefulSet(
            """
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  image: busybox:1.36
                  env: [{name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]
              containers:
                - name: db
                  image: postgres:16
                  ports: [{containerPort: 5432}]
                  livenessProbe: {httpGet: {port: 8080}}
                  startupProbe: {grpc: {port: 9000}}
                  lifecycle: {preStop: {httpGet: {port: 8080}}}
              volumes:
                - name: scratch
                - {name: conf, configMap: {name: conf}}
                - {name: tls, secret: {secretName: tls}}
                - name: token
                  projected:
                    sources: [{serviceAccountToken: {path: token}}]
                - name: host
                  hostPath: {path: /var/run}
                - name: tmp
                  ephemeral:
                    volumeClaimTemplate:
                      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """);

    Defaults.apply(set);

    JsonNode spec = JSON.valueToTree(set.getSpec().getTemplate().getSpec());
    assertThat(spec.at("/initContainers/0/env/0/valueFrom/fieldRef/apiVersion").asText())
        .isEqualTo("v1");
    assertThat(spec.at("/initContainers/0/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    JsonNode db = spec.at("/containers/0");
    assertThat(db.at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(db.at("/resources").isObject()).isTrue();
    assertThat(db.at("/livenessProbe").toString())
        .isEqualTo(
            "{\"failureThreshold\":3,\"httpGet\":{\"path\":\"/\",\"port\":8080,\"scheme\":\"HTTP\"},"
                + "\"periodSeconds\":10,\"successThreshold\":1,\"timeoutSeconds\":1}");
    assertThat(db.at("/startupProbe/grpc/service").isTextual()).isTrue();
    assertThat(db.at("/lifecycle/preStop/httpGet/scheme").asText()).isEqualTo("HTTP");
    assertThat(spec.at("/volumes/0/emptyDir").isObject()).isTrue();
    assertThat(spec.at("/volumes/1/configMap/defaultMode").asInt()).isEqualTo(0644);
    assertThat(spec.at("/volumes/2/secret/defaultMode").asInt()).isEqualTo(0644);
    assertThat(spec.at("/volumes/3/projected/defaultMode").asInt()).isEqualTo(0644);
    assertThat(
            spec.at("/volumes/3/projected/sources/0/serviceAccountToken/expirationSeconds")
                .asLong())
        .isEqualTo(3600);
    assertThat(spec.at("/volumes/4/hostPath/type").isTextual()).isTrue();
    assertThat(spec.at("/volumes/5/ephemeral/volumeClaimTemplate/spec/volumeMode").asText())
        .isEqualTo("Filesystem");
  }

  @Test
  void defaultsAHeadlessService() throws IOException {
    Service service =
        YAML.readValue(
            """
        apiVersion: v1
        kind: Service
        metadata: {name: zk-hs}
        spec:
          clusterIP: None
          selector: {app: zk}
          ports: [{name: peer, port: 2888}, {name: client, port: 2181, targetPort: client}]
        """,
            Service.class);

    Defaults.apply(service);

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSessionAffinity()).isEqualTo("None");
    assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isNull();
    assertThat(service.getSpec().getPorts().get(0).getProtocol()).isEqualTo("TCP");
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(2888);
    assertThat(service.getSpec().getPorts().get(1).getTargetPort().getStrVal()).isEqualTo("client");
  }

  @Test
  void defaultsExternallyReachableServices() throws IOException {
    Service lb =
        YAML.readValue(
            """
        spec:
          type: LoadBalancer
          sessionAffinity: ClientIP
          ports: [{port: 443, targetPort: 0}]
        """,
            Service.class);

    Defaults.apply(lb);

    assertThat(lb.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
    assertThat(lb.getSpec().getAllocateLoadBalancerNodePorts()).isTrue();
    assertThat(lb.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds())
        .isEqualTo(10800);
    assertThat(lb.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(443);
  }

  @Test
  void defaultsPodOnlyFields() throws IOException {
    Pod pod =
        YAML.readValue(
            """
        spec:
          hostNetwork: true
          tolerations: [{operator: Exists}]
          containers:
            - name: c
              image: c:1
              ports: [{containerPort: 9100}]
              resources: {limits: {cpu: 500m, memory: 1Gi}, requests: {cpu: 100m}}
        """,
            Pod.class);

    Defaults.apply(pod);

    assertThat(pod.getSpec().getEnableServiceLinks()).isTrue();
    assertThat(pod.getSpec().getPriority()).isZero();
    assertThat(pod.getSpec().getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
    assertThat(pod.getSpec().getContainers().get(0).getPorts().get(0).getHostPort())
        .isEqualTo(9100);
    assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("1Gi")));
    // A toleration of every taint already covers the not-ready and unreachable ones.
    assertThat(pod.getSpec().getTolerations())
        .extracting(Toleration::getOperator)
        .containsExactly("Exists");
  }

  @Test
  void givesAPodOfASystemPriorityClassItsPriority() throws IOException {
    Pod pod = YAML.readValue("spec: {priorityClassName: system-node-critical}", Pod.class);
    Pod custom = YAML.readValue("spec: {priorityClassName: batch-low}", Pod.class);

    Defaults.apply(pod);
    Defaults.apply(custom);

    assertThat(pod.getSpec().getPriority()).isEqualTo(2_000_001_000);
    // A user-defined class decides its own value, which only the cluster knows.
    assertThat(custom.getSpec().getPriority()).isNull();
    assertThat(custom.getSpec().getPreemptionPolicy()).isNull();
  }

  @Test
  void leavesAPodTemplateWithoutPodOnlyFields() {
    StatefulSet set =
        statefulSet(
            """
        spec:
          template:
            spec:
              containers: [{name: c, image: c:1, resources: {limits: {cpu: "1"}}}]
        """);

    Defaults.apply(set);

    var spec = set.getSpec().getTemplate().getSpec();
    assertThat(spec.getEnableServiceLinks()).isNull();
    assertThat(spec.getPriority()).isNull();
    assertThat(spec.getTolerations()).isEmpty();
    assertThat(spec.getContainers().get(0).getResources().getRequests()).isEmpty();
  }

  @Test
  void leavesAPodDisruptionBudgetAsWritten() throws IOException {
    String yaml =
        """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: zk}
        spec: {minAvailable: 2, selector: {matchLabels: {app: zk}}}
        """;
    PodDisruptionBudget pdb = YAML.readValue(yaml, PodDisruptionBudget.class);

    Defaults.apply(pdb);

    assertThat(pretty(JSON.valueToTree(pdb)))
        .isEqualTo(pretty(JSON.valueToTree(YAML.readValue(yaml, PodDisruptionBudget.class))));
  }

  // --- helpers --------------------------------------------------------------------------------

  private static Class<? extends HasMetadata> typeOf(String kind) {
    return switch (kind) {
      case "StatefulSet" -> StatefulSet.class;
      case "PodDisruptionBudget" -> PodDisruptionBudget.class;
      case "Service" -> Service.class;
      case "Pod" -> Pod.class;
      default -> throw new IllegalArgumentException("no model class for " + kind);
    };
  }

  /** Drops what the API server sets that is not a default: null creation timestamps. */
  private static JsonNode withoutServerSetFields(JsonNode spec) {
    JsonNode copy = spec.deepCopy();
    dropNullCreationTimestamp(copy.at("/template/metadata"));
    for (JsonNode claim : copy.path("volumeClaimTemplates")) {
      dropNullCreationTimestamp(claim.get("metadata"));
    }
    return copy;
  }

  private static void dropNullCreationTimestamp(JsonNode metadata) {
    if (metadata instanceof ObjectNode m
        && m.has("creationTimestamp")
        && m.get("creationTimestamp").isNull()) {
      m.remove("creationTimestamp");
    }
  }

  private static StatefulSet statefulSet(String yaml) {
    try {
      return YAML.readValue(yaml, StatefulSet.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pretty(JsonNode node) {
    try {
      // Key order differs between the API server and the model classes; sort to compare trees.
      return JSON.writerWithDefaultPrettyPrinter()
          .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(JSON.treeToValue(node, Object.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String name) {
    try {
      return Path.of(DefaultsTest.class.getResource("/DefaultsTest/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
