package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class KubeClientsIT {

  KubernetesClient mock;

  @TempDir Path dir;

  @Test
  void connectsWithTheKubeconfigItIsGiven() throws Exception {
    // Given a kubeconfig that points at the mock API server, which holds one Service
    mock.services()
        .inNamespace("data")
        .resource(new ServiceBuilder().withNewMetadata().withName("zk").endMetadata().build())
        .create();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
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
            namespace: data
        current-context: test
        """
            .formatted(mock.getConfiguration().getMasterUrl()));

    // When a client is opened from that file
    try (KubernetesClient client = KubeClients.connect(Optional.of(kubeconfig))) {

      // Then it reads from that server, in the context's namespace
      assertThat(client.getNamespace()).isEqualTo("data");
      assertThat(client.services().withName("zk").get())
          .as("the Service created through the mock's own client")
          .isNotNull();
    }
  }

  @Test
  void namesTheFileThatCannotBeRead() {
    Path missing = dir.resolve("nowhere.yaml");

    assertThatThrownBy(() -> KubeClients.connect(Optional.of(missing)))
        .isInstanceOf(KubeClients.ConnectException.class)
        .hasMessageContaining("cannot read the kubeconfig " + missing);
  }

  @Test
  void rejectsAKubeconfigWithoutAServer() throws Exception {
    Path kubeconfig = dir.resolve("empty.yaml");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");

    assertThatThrownBy(() -> KubeClients.connect(Optional.of(kubeconfig)))
        .isInstanceOf(KubeClients.ConnectException.class)
        .hasMessageContaining(kubeconfig.toString());
  }
}
