package io.stateguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Pod DELETE and eviction reviews for the guard's tests, built on the real API server's bodies
 * ({@code pod-delete.json}): only the uid, the pod and the user change.
 */
final class GuardReviews {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GuardReviews() {}

  static Path policies() {
    try {
      return Path.of(GuardReviews.class.getResource("/PodGuardIT/guard.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first review of {@code kubectl delete pod}, about {@code pod}, with request {@code uid}.
   */
  static byte[] delete(String uid, Pod pod, boolean dryRun) {
    return delete(uid, pod, dryRun, "kube-admin", List.of("system:masters"));
  }

  static byte[] delete(String uid, Pod pod, boolean dryRun, String user, List<String> groups) {
    ObjectNode review = ApiServerFixtures.tree("pod-delete.json");
    ObjectNode request = (ObjectNode) review.get("request");
    request.put("uid", uid);
    request.put("name", pod.getMetadata().getName());
    request.put("namespace", pod.getMetadata().getNamespace());
    request.put("dryRun", dryRun);
    request.set("oldObject", JSON.valueToTree(pod));
    ObjectNode userInfo = JSON.createObjectNode();
    userInfo.put("username", user);
    userInfo.set("groups", JSON.valueToTree(groups));
    request.set("userInfo", userInfo);
    return ApiServerFixtures.bytes(review);
  }

  /** A pods/eviction CREATE of {@code namespace/name}, as the API server sends it. */
  static byte[] eviction(String uid, String namespace, String name) {
    ObjectNode review = ApiServerFixtures.tree("pod-delete.json");
    ObjectNode request = (ObjectNode) review.get("request");
    request.put("uid", uid);
    request.put("name", name);
    request.put("namespace", namespace);
    request.put("operation", "CREATE");
    request.put("subResource", "eviction");
    request.set(
        "kind", JSON.valueToTree(Map.of("group", "policy", "version", "v1", "kind", "Eviction")));
    request.set(
        "object",
        JSON.valueToTree(
            Map.of(
                "apiVersion",
                "policy/v1",
                "kind",
                "Eviction",
                "metadata",
                Map.of("name", name, "namespace", namespace))));
    request.putNull("oldObject");
    request.set(
        "options",
        JSON.valueToTree(Map.of("apiVersion", "meta.k8s.io/v1", "kind", "CreateOptions")));
    return ApiServerFixtures.bytes(review);
  }

  /** The response of a reply body. */
  static JsonNode response(String body) {
    try {
      return JSON.readTree(body).path("response");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
