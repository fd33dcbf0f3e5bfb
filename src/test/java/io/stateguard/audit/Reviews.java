package io.stateguard.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real API server's AdmissionReviews (test resources) decoded into the core's {@link
 * Admission}, and decided by the shipped policies.
 */
final class Reviews {

  static final String FOLDER = "/AuditEventTest/";
  static final List<String> ALL =
      List.of(
          "statefulset-create.json",
          "statefulset-create-denied.json",
          "statefulset-update.json",
          "statefulset-delete.json",
          "pdb-create.json",
          "pod-delete.json");

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static LoadedPolicies shipped;

  private Reviews() {}

  static Admission admission(String file) {
    try (InputStream in = Reviews.class.getResourceAsStream(FOLDER + file)) {
      JsonNode request = JSON.readTree(in).get("request");
      String kind = request.get("kind").get("kind").asText();
      List<String> groups = new ArrayList<>();
      request.get("userInfo").path("groups").forEach(g -> groups.add(g.asText()));
      return new Admission(
          request.get("uid").asText(),
          Operation.valueOf(request.get("operation").asText()),
          kind,
          request.path("subResource").asText(""),
          request.path("namespace").asText(""),
          request.path("name").asText(""),
          object(request.get("object"), kind),
          object(request.get("oldObject"), kind),
          Optional.ofNullable(request.get("options")).filter(o -> !o.isNull()).map(o -> o),
          new UserInfo(request.get("userInfo").get("username").asText(), groups),
          request.path("dryRun").asBoolean(false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<HasMetadata> object(JsonNode node, String kind) throws IOException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    Class<? extends HasMetadata> type =
        switch (kind) {
          case "StatefulSet" -> StatefulSet.class;
          case "PodDisruptionBudget" -> PodDisruptionBudget.class;
          case "Pod" -> Pod.class;
          default -> throw new IllegalArgumentException("no model class for " + kind);
        };
    return Optional.of(JSON.treeToValue(node, type));
  }

  /** The shipped policies, loaded once. */
  static synchronized LoadedPolicies policies() {
    if (shipped == null) {
      try {
        shipped =
            PolicyLoader.load(Path.of("policies"), Rules.all().stream().map(Rule::info).toList());
      } catch (Exception e) {
        throw new IllegalStateException("cannot load the shipped policies", e);
      }
    }
    return shipped;
  }

  /** The shipped policies' verdict on {@code admission}, with an empty cluster. */
  static Verdict decide(Admission admission) {
    return decide(admission, policies());
  }

  static Verdict decide(Admission admission, LoadedPolicies policies) {
    PolicyEngine engine = new PolicyEngine(policies.policySet(), Rules.all());
    return engine.evaluate(admission, ManifestClusterView.of(List.of()));
  }

  /**
   * One policy with every rule off but those given: the short, stable verdicts the documentation
   * shows.
   */
  static LoadedPolicies only(Map<String, String> modes) {
    StringBuilder yaml =
        new StringBuilder(
            "apiVersion: stateguard.io/v1\nkind: StatefulPolicy\nmetadata:\n  name: example\n"
                + "spec:\n  rules:\n");
    for (Rule rule : Rules.all()) {
      String id = rule.info().id();
      yaml.append("    ")
          .append(id)
          .append(": ")
          .append(modes.getOrDefault(id, "off"))
          .append('\n');
    }
    try {
      return PolicyLoader.load(
          "example.yaml", yaml.toString(), Rules.all().stream().map(Rule::info).toList());
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the example policy", e);
    }
  }
}
