package io.stateguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server connection {@code serve} opens: the client, for whatever else needs the cluster
 * (the coordinated disruption ledger), and the informer-backed view the rules read. Closing stops
 * the informers, then the client.
 *
 * @param client the client, open until {@link #close}
 * @param view the informer caches on that client
 */
public record ClusterConnection(KubernetesClient client, InformerClusterView view)
    implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(ClusterConnection.class);

  public ClusterConnection {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(view, "view");
  }

  /**
   * Opens a client ({@link KubeClients#connect}) and starts the informers on it; returns without
   * waiting for them to sync.
   *
   * @throws KubeClients.ConnectException when the kubeconfig cannot be read or used
   */
  public static ClusterConnection open(Optional<Path> kubeconfig)
      throws KubeClients.ConnectException {
    KubernetesClient client = KubeClients.connect(kubeconfig);
    try {
      return new ClusterConnection(client, InformerClusterView.start(client));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Stops the informers, then closes the client. */
  @Override
  public void close() {
    try {
      view.close();
    } finally {
      client.close();
      LOGGER.atInfo().addKeyValue("server", view.server()).log("closed the cluster connection");
    }
  }
}
