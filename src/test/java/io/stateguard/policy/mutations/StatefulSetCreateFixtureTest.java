package io.stateguard.policy.mutations;

import static io.stateguard.policy.mutations.MutationHarness.JSON;
import static io.stateguard.policy.mutations.MutationHarness.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Decision;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.UserInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object of a real API server's StatefulSet CREATE review through the mutations: the patch
 * applies to the JSON the API server sent (not only to stateguard's own reading of it), keeps the
 * set's explicit retention policy, and a second pass over the patched JSON adds nothing.
 */
class StatefulSetCreateFixtureTest {

  private static final Path DIR = Path.of("src/test/resources/StatefulSetCreateFixtureTest");

  private JsonNode sent;
  private Admission admission;
  private PolicyEngine engine;

  @BeforeEach
  void readTheReview() throws IOException {
    JsonNode review = JSON.readTree(DIR.resolve("statefulset-create.json").toFile());
    JsonNode request = review.get("request");
    sent = request.get("object");
    List<String> groups = new ArrayList<>();
    request.at("/userInfo/groups").forEach(g -> groups.add(g.asText()));
    admission =
        new Admission(
            request.get("uid").asText(),
            Operation.valueOf(request.get("operation").asText()),
            request.at("/kind/kind").asText(),
            "",
            request.get("namespace").asText(),
            request.get("name").asText(),
            Optional.of(JSON.treeToValue(sent, StatefulSet.class)),
            Optional.empty(),
            Optional.empty(),
            new UserInfo(request.at("/userInfo/username").asText(), groups),
            request.get("dryRun").asBoolean());
    engine = MutationHarness.engine(DIR.resolve("policy.yaml"));
  }

  @Test
  void patchAppliesToTheJsonTheApiServerSent() {
    // When the create is mutated
    Mutated mutated = engine.mutate(admission, ClusterView.empty());

    // Then the patch, applied to the very JSON of the review, gives the mutated object
    JsonNode patched = JsonPatch.apply(mutated.patch().json(), sent);
    assertThat(tree(MutationHarness.statefulSet(patched)))
        .as("the review's object with the patch applied, read as a StatefulSet")
        .isEqualTo(tree(mutated.object()));
    assertThat(patched.at("/metadata/annotations/stateguard.io~1mutated").asText())
        .isEqualTo("anti-affinity,topology-spread");
    assertThat(
            patched.at(
                "/spec/template/spec/affinity/podAntiAffinity"
                    + "/preferredDuringSchedulingIgnoredDuringExecution/0"))
        .isEqualTo(
            JSON.valueToTree(
                Map.of(
                    "weight",
                    100,
                    "podAffinityTerm",
                    Map.of(
                        "labelSelector",
                        Map.of("matchLabels", Map.of("app", "web")),
                        "topologyKey",
                        "kubernetes.io/hostname"))));
  }

  @Test
  void patchIsMinimalAndOnlyAdds() {
    // When the create is mutated
    Mutated mutated = engine.mutate(admission, ClusterView.empty());

    // Then it adds the affinity, the spread constraint and the annotation, and nothing else
    assertThat(mutated.patch().operations())
        .extracting(op -> op.get("op").asText() + " " + op.get("path").asText())
        .containsExactlyInAnyOrder(
            "add /spec/template/spec/affinity",
            "add /spec/template/spec/topologySpreadConstraints",
            "add /metadata/annotations/stateguard.io~1mutated");
  }

  @Test
  void keepsTheRetentionPolicyTheSetChose() {
    // Given a set whose retention policy is Delete/Retain, not the API default
    assertThat(sent.at("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted").asText())
        .isEqualTo("Delete");

    // When the create is mutated with pvc-retention on
    Mutated mutated = engine.mutate(admission, ClusterView.empty());

    // Then pvc-retention changed nothing
    assertThat(mutated.applied()).doesNotContain("pvc-retention");
    assertThat(mutated.patch().toString()).doesNotContain("persistentVolumeClaimRetentionPolicy");
  }

  @Test
  void secondPassOverThePatchedJsonAddsNothing() throws IOException {
    // Given the review's object as the API server holds it after the first patch
    Mutated first = engine.mutate(admission, ClusterView.empty());
    JsonNode patched = JsonPatch.apply(first.patch().json(), sent);

    // When the API server calls again (reinvocationPolicy: IfNeeded)
    Mutated second =
        engine.mutate(
            admission.withObject(JSON.treeToValue(patched, StatefulSet.class)),
            ClusterView.empty());

    // Then the patch is empty
    assertThat(second.patch().isEmpty()).as("second patch %s", second.patch()).isTrue();
    assertThat(second.applied()).isEmpty();
  }

  @Test
  void verdictCarriesThePatchTheWebhookEncodes() {
    // When the create is decided
    Decision decision = engine.decide(admission, ClusterView.empty());

    // Then the verdict carries the patch, as the JSON array the webhook encodes in base64
    String encoded =
        Base64.getEncoder().encodeToString(decision.verdict().patch().json().toString().getBytes());
    assertThat(decision.verdict().patch()).isEqualTo(decision.mutation().patch());
    assertThat(new String(Base64.getDecoder().decode(encoded))).startsWith("[{\"op\":\"add\"");
  }

  @Test
  void leavesTheAdmittedObjectAsItWas() {
    // Given the object the admission holds
    JsonNode before = tree(admission.object().orElseThrow());

    // When it is mutated
    engine.mutate(admission, ClusterView.empty());

    // Then the admission's object is unchanged: mutations work on a copy
    assertThat(tree(admission.object().orElseThrow())).isEqualTo(before);
  }
}
