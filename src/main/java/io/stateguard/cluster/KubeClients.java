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
    return client(config);
  }

  /**
   * A client for {@code config}, as every client of stateguard is made.
   *
   * <p>Its task executor runs each task at once, on the thread that hands it over. The client runs
   * on that executor what its informers tell their event handlers: one task for each object of each
   * list and each watch event, holding the object. stateguard registers no event handler, so each
   * task does nothing; but on the default executor (a thread pool, each task handed to a pool
   * thread on its own) they are queued faster than they are run, and after the first list of a
   * large cluster all of them wait at once: in the cluster benchmark (50,000 pods) about 47,000
   * tasks holding about 40 MB, more than the pod cache itself. Run at once, each is garbage as soon
   * as it is made. Nothing else stateguard does with a client uses this executor (it is for event
   * handlers, exec and log streams, port forwarding).
   */
  public static KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config).withTaskExecutor(Runnable::run).build();
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
