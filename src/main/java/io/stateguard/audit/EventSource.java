package io.stateguard.audit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Who emits audit events: a cluster and, within it, one replica of the webhook (or {@code report}
 * for offline reports). Becomes the CloudEvents {@code source}: {@code
 * /stateguard/CLUSTER/REPLICA}. Event ids are unique per source, so two replicas never collide even
 * on equal ids.
 *
 * @param cluster the cluster's name, as the operator calls it
 * @param replica the emitting replica (the pod name), or {@code report}
 */
public record EventSource(String cluster, String replica) {

  public EventSource {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(replica, "replica");
    if (cluster.isBlank() || replica.isBlank()) {
      throw new IllegalArgumentException("an event source needs a cluster and a replica name");
    }
  }

  /** The CloudEvents {@code source} attribute: a URI reference with each name one path segment. */
  public String uri() {
    return "/stateguard/" + segment(cluster) + "/" + segment(replica);
  }

  private static String segment(String name) {
    // URLEncoder encodes for forms (space as '+'); a path segment wants %20.
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
