package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stateguard report --cluster} end to end, through the command line, against the mock API
 * server holding a broken quorum workload in namespace {@code zk} and a clean one in {@code shop}.
 */
@EnableKubernetesMockClient(crud = true)
class ReportClusterIT {

  private static final Path OBJECTS =
      Path.of("src/test/resources/ReportClusterIT/two-namespaces.yaml");

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ResourceDefinitionContext REPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("openreports.io")
          .withVersion("v1alpha1")
          .withKind("Report")
          .withPlural("reports")
          .withNamespaced(true)
          .build();

  KubernetesClient mock;
  KubernetesMockServer server;

  @TempDir Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void clusterHoldsTwoNamespaces() throws IOException {
    List<HasMetadata> objects = new KubernetesSerialization().unmarshal(Files.readString(OBJECTS));
    for (HasMetadata object : objects) {
      mock.resource(object).create();
    }
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** A kubeconfig whose current context points at {@code server}, in {@code namespace}. */
  private String kubeconfig(String server, String namespace) throws IOException {
    Path file = dir.resolve("kubeconfig-" + namespace);
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: tester
          user:
            token: t0ken
        contexts:
        - name: test
          context:
            cluster: test
            user: tester
            namespace: %s
        current-context: test
        """
            .formatted(server, namespace));
    return file.toString();
  }

  private String kubeconfig(String namespace) throws IOException {
    return kubeconfig(mock.getConfiguration().getMasterUrl(), namespace);
  }

  private JsonNode json() throws IOException {
    return JSON.readTree(out.toString());
  }

  private static List<String> objectNames(JsonNode report) {
    List<String> names = new ArrayList<>();
    report.path("objects").forEach(o -> names.add(o.path("source").path("file").asText()));
    return names;
  }

  @Test
  void readsTheKubeconfigContextsNamespaceByDefault() throws IOException {
    // Given a kubeconfig whose context is in namespace zk
    String kubeconfig = kubeconfig("zk");

    // When the cluster is reported on without a namespace
    int status = run("report", "--cluster", "--kubeconfig", kubeconfig, "--format", "json");

    // Then only zk's objects are evaluated, located by name, and its enforced findings fail
    assertThat(status).as("exit status; stderr: %s", err).isEqualTo(1);
    JsonNode report = json();
    assertThat(objectNames(report)).containsExactly("statefulset zk/zk", "pdb zk/zk-pdb");
    assertThat(report.path("objects").findValues("allowed"))
        .as("audit mode denies nothing")
        .allMatch(JsonNode::asBoolean);
    assertThat(report.path("results").findValuesAsText("rule"))
        .contains("parallel-pod-management", "pdb-quorum");
    assertThat(report.path("summary").path("errors").asInt()).isPositive();
  }

  @Test
  void namespaceOptionReadsThatNamespaceOnly() throws IOException {
    // When the clean namespace is named, whatever the context says
    int status =
        run(
            "report",
            "--cluster",
            "--kubeconfig",
            kubeconfig("zk"),
            "-n",
            "shop",
            "--color",
            "never");

    // Then its one StatefulSet passes, and the exit status says so
    assertThat(status).as("exit status; out: %s; stderr: %s", out, err).isZero();
    assertThat(out.toString())
        .contains("ok  statefulset shop/web")
        .doesNotContain("zk/zk")
        .contains("all passed");
  }

  @Test
  void allNamespacesReadsEveryNamespace() throws IOException {
    int status =
        run("report", "--cluster", "--kubeconfig", kubeconfig("default"), "-A", "--format", "json");

    assertThat(status).as("exit status; stderr: %s", err).isEqualTo(1);
    assertThat(objectNames(json()))
        .containsExactlyInAnyOrder("statefulset zk/zk", "pdb zk/zk-pdb", "statefulset shop/web");
  }

  @Test
  void failOnNeverMakesAClusterAuditInformOnly() throws IOException {
    int status = run("report", "--cluster", "--kubeconfig", kubeconfig("zk"), "--fail-on", "never");

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(out.toString()).contains("statefulset zk/zk: audited").contains("pdb-quorum");
  }

  @Test
  void policyReportHasOneReportPerNamespaceWithItsFindings() throws IOException {
    int status =
        run(
            "report",
            "--cluster",
            "--kubeconfig",
            kubeconfig("default"),
            "--all-namespaces",
            "--format",
            "policyreport");

    assertThat(status).as("exit status; stderr: %s", err).isEqualTo(1);
    Map<String, JsonNode> reports = byNamespace(yamlDocuments(out.toString()));
    assertThat(reports).containsOnlyKeys("shop", "zk");
    JsonNode zk = reports.get("zk");
    assertThat(zk.path("kind").asText()).isEqualTo("Report");
    assertThat(zk.path("summary").path("fail").asInt()).isPositive();
    assertThat(zk.path("results").findValuesAsText("rule")).contains("pdb-quorum");
    JsonNode shop = reports.get("shop");
    assertThat(shop.path("summary").path("fail").asInt()).isZero();
    assertThat(shop.path("summary").path("pass").asInt()).isPositive();
  }

  @Test
  void applyReportsCreatesThenReplacesOneReportPerNamespace() throws IOException {
    String kubeconfig = kubeconfig("default");

    // Given reports applied once
    int first = run("report", "--cluster", "--kubeconfig", kubeconfig, "-A", "--apply-reports");
    assertThat(first).as("exit status; stderr: %s", err).isEqualTo(1);
    assertThat(err.toString())
        .contains("created Report shop/stateguard")
        .contains("created Report zk/stateguard");
    GenericKubernetesResource before = report("zk");
    long failsBefore = summary(before, "fail");
    assertThat(failsBefore).isPositive();

    // When the broken PDB is removed and the report applied again
    mock.policy().v1().podDisruptionBudget().inNamespace("zk").withName("zk-pdb").delete();
    int second = run("report", "--cluster", "--kubeconfig", kubeconfig, "-A", "--apply-reports");

    // Then each namespace still has exactly one report, replaced with the new findings
    assertThat(second).as("exit status; stderr: %s", err).isEqualTo(1);
    assertThat(err.toString()).contains("replaced Report zk/stateguard");
    for (String ns : List.of("zk", "shop")) {
      assertThat(mock.genericKubernetesResources(REPORTS).inNamespace(ns).list().getItems())
          .extracting(r -> r.getMetadata().getName())
          .as("reports in %s", ns)
          .containsExactly("stateguard");
    }
    GenericKubernetesResource after = report("zk");
    assertThat(after.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "stateguard");
    assertThat(summary(after, "fail")).isLessThan(failsBefore);
    assertThat(JSON.valueToTree(after.getAdditionalProperties().get("results")).toString())
        .doesNotContain("zk-pdb");
  }

  @Test
  void applyReportsDeletesTheReportOfANamespaceThatNoLongerHoldsAnything() throws IOException {
    String kubeconfig = kubeconfig("default");
    run("report", "--cluster", "--kubeconfig", kubeconfig, "-A", "--apply-reports");
    assertThat(report("shop")).isNotNull();

    mock.apps().statefulSets().inNamespace("shop").withName("web").delete();
    run("report", "--cluster", "--kubeconfig", kubeconfig, "-A", "--apply-reports");

    assertThat(report("shop")).as("stale report of shop").isNull();
    assertThat(err.toString()).contains("deleted Report shop/stateguard");
    assertThat(report("zk")).isNotNull();
  }

  @Test
  void writesPolicyReportsOfTheWgpolicyApiWhenAsked() throws IOException {
    int status =
        run(
            "report",
            "--cluster",
            "--kubeconfig",
            kubeconfig("shop"),
            "--policyreport-api",
            "wgpolicyk8s",
            "--apply-reports");

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    ResourceDefinitionContext policyReports =
        new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io")
            .withVersion("v1alpha2")
            .withKind("PolicyReport")
            .withPlural("policyreports")
            .withNamespaced(true)
            .build();
    GenericKubernetesResource shop =
        mock.genericKubernetesResources(policyReports)
            .inNamespace("shop")
            .withName("stateguard")
            .get();
    assertThat(shop).isNotNull();
    assertThat(shop.getApiVersion()).isEqualTo("wgpolicyk8s.io/v1alpha2");
  }

  @Test
  void judgesClaimTemplatesAgainstTheClustersStorageClasses() throws IOException {
    // Given a set in shop whose claims ask for a class the cluster does not have
    String manifest =
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: cache, namespace: shop}
        spec:
          serviceName: web-hs
          replicas: 1
          selector: {matchLabels: {app: cache}}
          template:
            metadata: {labels: {app: cache}}
            spec:
              containers: [{name: cache, image: "registry.example/cache:1.0"}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              storageClassName: fast
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        """;
    mock.resource(new KubernetesSerialization().unmarshal(manifest, HasMetadata.class)).create();
    mock.storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName("standard")
                .endMetadata()
                .withProvisioner("example.io/disk")
                .build())
        .create();
    Path file = dir.resolve("cache.yaml");
    Files.writeString(file, manifest);

    // When the cluster is reported on, and the same manifest on its own
    run("report", "--cluster", "--kubeconfig", kubeconfig("shop"), "--format", "json");
    JsonNode live = json();
    run("report", file.toString(), "--format", "json");
    JsonNode offline = json();

    // Then only the cluster, whose classes are all known, can say the class is missing
    assertThat(live.path("results").findValuesAsText("rule")).contains("storage-class");
    assertThat(offline.path("results").findValuesAsText("rule")).doesNotContain("storage-class");
  }

  @Test
  void recordsEachLiveDecisionAsAnAuditEvent() throws IOException {
    Path events = dir.resolve("events.jsonl");

    int status =
        run(
            "report",
            "--cluster",
            "--kubeconfig",
            kubeconfig("zk"),
            "--fail-on",
            "never",
            "--audit-set",
            "file=" + events);

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    List<String> lines = Files.readAllLines(events);
    assertThat(lines).hasSize(2);
    assertThat(String.join("\n", lines)).contains("zk-pdb").contains("\"report\"");
  }

  @Test
  void anUnreachableApiServerIsAClearErrorNamingIt() throws IOException {
    // Given a kubeconfig pointing at a port nothing listens on
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String server = "https://127.0.0.1:" + port;

    int status = run("report", "--cluster", "--kubeconfig", kubeconfig(server, "zk"));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("cannot list statefulsets")
        .contains(server)
        .contains("cannot be reached (connection refused")
        .doesNotContain("--debug");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aForbiddenListIsAClearErrorNamingTheResource() throws IOException {
    // Given an API server that refuses to list PDBs in zk
    server
        .expect()
        .get()
        .withPath("/apis/policy/v1/namespaces/zk/poddisruptionbudgets?limit=500")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("poddisruptionbudgets.policy is forbidden")
                .build())
        .always();

    int status = run("report", "--cluster", "--kubeconfig", kubeconfig("zk"));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("cannot list poddisruptionbudgets (policy/v1) in namespace zk")
        .contains(mock.getConfiguration().getMasterUrl())
        .contains("forbidden");
  }

  @Test
  void clusterAndManifestsTogetherAreAUsageError() {
    int status = run("report", "--cluster", OBJECTS.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster").contains("cannot be combined with manifests");
  }

  @Test
  void clusterOptionsWithoutClusterAreAUsageError() {
    int status = run("report", OBJECTS.toString(), "--apply-reports");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--apply-reports").contains("needs --cluster");
  }

  private GenericKubernetesResource report(String namespace) {
    return mock.genericKubernetesResources(REPORTS)
        .inNamespace(namespace)
        .withName("stateguard")
        .get();
  }

  private static long summary(GenericKubernetesResource report, String outcome) {
    return JSON.valueToTree(report.getAdditionalProperties().get("summary")).path(outcome).asLong();
  }

  private static List<JsonNode> yamlDocuments(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      mapper.readValues(parser, ObjectNode.class).forEachRemaining(documents::add);
    }
    return documents;
  }

  private static Map<String, JsonNode> byNamespace(List<JsonNode> documents) {
    return documents.stream()
        .collect(Collectors.toMap(d -> d.path("metadata").path("namespace").asText(), d -> d));
  }
}
