package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Writing report objects where the API server does not serve them, or forbids it. */
@EnableKubernetesMockClient
class ReportWriterIT {

  private static final ReportWriter.Kinds OPENREPORTS =
      new ReportWriter.Kinds(
          "openreports.io",
          "v1alpha1",
          "Report",
          "ClusterReport",
          "app.kubernetes.io/managed-by",
          "stateguard");

  KubernetesClient client;
  KubernetesMockServer server;

  private static GenericKubernetesResource report(String namespace) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("openreports.io/v1alpha1")
        .withKind("Report")
        .withNewMetadata()
        .withName("stateguard")
        .withNamespace(namespace)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "stateguard"))
        .endMetadata()
        .withAdditionalProperties(Map.of("source", "stateguard"))
        .build();
  }

  @Test
  void aMissingCustomResourceDefinitionIsNamed() {
    // Given an API server that does not serve openreports.io (GET and POST answer 404)
    server
        .expect()
        .post()
        .withPath("/apis/openreports.io/v1alpha1/namespaces/data/reports")
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build())
        .once();

    assertThatThrownBy(
            () ->
                new ReportWriter(client, OPENREPORTS)
                    .write(List.of(report("data")), Optional.of("data")))
        .isInstanceOf(ReportWriter.WriteException.class)
        .hasMessageContaining("cannot write Report data/stateguard")
        .hasMessageContaining(client.getConfiguration().getMasterUrl())
        .hasMessageContaining("install the CustomResourceDefinition reports.openreports.io");
  }

  @Test
  void aForbiddenWriteSaysWhichPermissionsAreNeeded() {
    server
        .expect()
        .post()
        .withPath("/apis/openreports.io/v1alpha1/namespaces/data/reports")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build())
        .once();

    assertThatThrownBy(
            () ->
                new ReportWriter(client, OPENREPORTS)
                    .write(List.of(report("data")), Optional.of("data")))
        .isInstanceOf(ReportWriter.WriteException.class)
        .hasMessageContaining("forbidden")
        .hasMessageContaining("create, update and delete on reports.openreports.io");
  }

  @Test
  void refusesAnObjectOfAnotherKind() {
    GenericKubernetesResource other = report("data");
    other.setKind("PolicyReport");

    assertThatThrownBy(
            () -> new ReportWriter(client, OPENREPORTS).write(List.of(other), Optional.of("data")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.getRequestCount()).as("nothing was sent").isZero();
  }
}
