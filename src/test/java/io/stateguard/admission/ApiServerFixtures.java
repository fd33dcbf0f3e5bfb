package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.Rule;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The AdmissionReview bodies a real kube-apiserver sent, the test policies, the cluster the tests
 * assume, and what stateguard must answer to each body under those policies.
 */
final class ApiServerFixtures {

  /** The rules the tests run: a fixed set, so that new rules do not move the expected answers. */
  static final Set<String> RULE_IDS =
      Set.of(
          "headless-service",
          "readiness-probe",
          "termination-grace-period",
          "pdb-quorum",
          "pdb-coverage");

  /**
   * What the webhook must answer to one fixture.
   *
   * @param allowed the answer
   * @param denying the rule ids of the enforced findings (in the 403 message)
   * @param warning the rule ids of the warnings
   * @param covered whether a policy rule looks at the request at all
   * @param patched whether {@code /mutate} answers with a patch (the baseline policy turns on the
   *     anti-affinity mutation, which applies on CREATE only)
   */
  record Expected(
      boolean allowed, Set<String> denying, Set<String> warning, boolean covered, boolean patched) {
    static Expected notCovered() {
      return new Expected(true, Set.of(), Set.of(), false, false);
    }
  }

  static final Map<String, Expected> EXPECTED =
      Map.of(
          // Baseline policy: no readiness probe warns; the 30 s grace period is only recorded.
          "statefulset-create.json",
          new Expected(true, Set.of(), Set.of("readiness-probe"), true, true),
          // Strict policy (webhook-test/allow=false): probe and grace period are enforced; the
          // missing headless Service warns under the baseline.
          "statefulset-create-denied.json",
          new Expected(
              false,
              Set.of("readiness-probe", "termination-grace-period"),
              Set.of("headless-service"),
              true,
              true),
          "statefulset-update.json",
          new Expected(true, Set.of(), Set.of("readiness-probe"), true, false),
          // Deleting a StatefulSet is not something these policies look at.
          "statefulset-delete.json",
          Expected.notCovered(),
          // maxUnavailable 1 keeps 4 of 5 members of demo/web up: quorum holds.
          "pdb-create.json",
          new Expected(true, Set.of(), Set.of(), true, false),
          "pod-delete.json",
          Expected.notCovered(),
          "pod-delete-final.json",
          Expected.notCovered());

  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiServerFixtures() {}

  static Path folder() {
    try {
      return Path.of(ApiServerFixtures.class.getResource("/ApiServerFixtures").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path policies() {
    return folder().resolve("policies");
  }

  /** Every fixture body's file name. */
  static List<String> names() {
    try (Stream<Path> files = Files.list(folder())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] body(String name) {
    try {
      return Files.readAllBytes(folder().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body as a tree, to change for a test. */
  static ObjectNode tree(String name) {
    try {
      return (ObjectNode) JSON.readTree(body(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String uid(String name) {
    return tree(name).path("request").path("uid").asText();
  }

  /** The mutations the tests run: a fixed set, for the same reason. */
  static final Set<String> MUTATION_IDS = Set.of("anti-affinity");

  static List<Mutation> mutations() {
    List<Mutation> mutations =
        Mutations.all().stream().filter(m -> MUTATION_IDS.contains(m.id())).toList();
    assertThat(mutations).as("the mutations the fixtures are checked with").hasSize(1);
    return mutations;
  }

  /** The webhook's policies, as the tests load them. */
  static LivePolicies livePolicies() throws Exception {
    return LivePolicies.load(policies(), rules(), mutations());
  }

  static List<Rule> rules() {
    List<Rule> rules = Rules.all().stream().filter(r -> RULE_IDS.contains(r.id())).toList();
    assertThat(rules).as("the rules the fixtures are checked with").hasSize(RULE_IDS.size());
    return rules;
  }

  /** The cluster of {@code cluster.yaml}. */
  static ClusterView cluster() {
    List<HasMetadata> objects = new ArrayList<>();
    try {
      YAMLMapper yaml = new YAMLMapper();
      for (JsonNode doc :
          yaml.readValues(
                  yaml.createParser(folder().resolve("cluster.yaml").toFile()), JsonNode.class)
              .readAll()) {
        switch (doc.path("kind").asText()) {
          case "Service" -> objects.add(yaml.convertValue(doc, Service.class));
          case "StatefulSet" -> objects.add(yaml.convertValue(doc, StatefulSet.class));
          default -> throw new IllegalStateException("unexpected kind in cluster.yaml: " + doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ManifestClusterView.of(objects);
  }
}
