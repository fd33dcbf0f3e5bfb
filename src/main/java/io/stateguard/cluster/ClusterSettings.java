package io.stateguard.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether {@code serve} connects to an API server for the cross-object rules, and with which
 * kubeconfig.
 *
 * @param mode when to connect
 * @param kubeconfig the kubeconfig the user named ({@code --kubeconfig}); empty: found the usual
 *     way (the in-cluster service account, then {@code KUBECONFIG}, then {@code ~/.kube/config})
 */
public record ClusterSettings(Mode mode, Optional<Path> kubeconfig) {

  /** Where Kubernetes mounts a pod's service account token. */
  public static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /** What the kubelet sets in every pod: the API server's in-cluster address. */
  public static final String SERVICE_HOST = "KUBERNETES_SERVICE_HOST";

  /** When to connect. */
  public enum Mode {
    /** When a kubeconfig is named, or when running in a pod with a service account. */
    AUTO,
    /** Always; the start fails when no client can be configured. */
    ON,
    /** Never: cross-object rules see an empty cluster. */
    OFF;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode written {@code auto}, {@code on} or {@code off}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Mode parse(String value) {
      for (Mode m : values()) {
        if (m.id().equals(value)) {
          return m;
        }
      }
      throw new IllegalArgumentException("not a cluster mode");
    }
  }

  public ClusterSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
  }

  /** The default: connect when a kubeconfig is named or the process runs in a pod. */
  public static ClusterSettings auto() {
    return new ClusterSettings(Mode.AUTO, Optional.empty());
  }

  /**
   * Whether to connect, given the process's {@code environment}: {@code on} always, {@code off}
   * never, {@code auto} when a kubeconfig is named or the process runs in a pod ({@value
   * #SERVICE_HOST} set and a service account token at {@code serviceAccountToken}).
   */
  public boolean connects(Map<String, String> environment, Path serviceAccountToken) {
    return switch (mode) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> kubeconfig.isPresent() || inPod(environment, serviceAccountToken);
    };
  }

  /** Why {@link #connects} decided as it did, for the start's log line. */
  public String reason(Map<String, String> environment, Path serviceAccountToken) {
    return switch (mode) {
      case ON -> "--cluster on";
      case OFF -> "--cluster off";
      case AUTO ->
          kubeconfig.isPresent()
              ? "--kubeconfig " + kubeconfig.get()
              : inPod(environment, serviceAccountToken)
                  ? "running in a pod with a service account"
                  : "--cluster auto, no --kubeconfig and not running in a pod";
    };
  }

  private static boolean inPod(Map<String, String> environment, Path serviceAccountToken) {
    String host = environment.get(SERVICE_HOST);
    return host != null && !host.isBlank() && Files.isReadable(serviceAccountToken);
  }
}
