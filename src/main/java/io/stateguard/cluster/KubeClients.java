package io.stateguard.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens clients to the API server: from a kubeconfig file the user names, or configured the usual
 * way (the in-cluster service account, then {@code KUBECONFIG}, then {@code ~/.kube/config}). The
 * client's HTTP backend is the JDK's (asynchronous {@code java.net.http}).
 */
public final class KubeClients {

  private KubeClients() {}

  /** The configuration could not be read or used; the message says which file and why. */
  public static final class ConnectException extends Exception {
    ConnectException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A client for the cluster {@code kubeconfig} points at (its current context), or, when empty,
   * for the one found the usual way. Nothing is sent to the API server yet.
   *
   * @throws ConnectException when the named file cannot be read or is not a usable kubeconfig
   */
  public static KubernetesClient connect(Optional<Path> kubeconfig) throws ConnectException {
    Config config;
    if (kubeconfig.isPresent()) {
      Path file = kubeconfig.get();
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new ConnectException("cannot read the kubeconfig " + file + ": " + e, e);
      }
      try {
        config = Config.fromKubeconfig(null, text, file.toAbsolutePath().toString());
      } catch (KubernetesClientException | IllegalArgumentException e) {
        throw new ConnectException(
            "the kubeconfig " + file + " is not usable: " + rootMessage(e), e);
      }
      // Without a current context the client would quietly fall back to the in-cluster address.
      if (config.getCurrentContext() == null) {
        throw new ConnectException(
            "the kubeconfig " + file + " has no current-context to connect with", null);
      }
    } else {
      config = Config.autoConfigure(null);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
