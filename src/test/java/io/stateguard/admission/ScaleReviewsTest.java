package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ScaleReviews}: a change of replicas through {@code statefulsets/scale} judged as the
 * UPDATE of the stored set, under the shipped policies and every rule, on the body the API server
 * sends for {@code kubectl scale statefulset zk --replicas=1} and on hand-built ones.
 */
class ScaleReviewsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FOLDER = Path.of("src/test/resources/ScaleReviewsTest");
  private static final String KUBECTL_SCALE = "kubectl-scale-zk-to-1.json";

  private SimpleMeterRegistry registry;
  private WebhookMetrics metrics;
  private PolicyEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    registry = new SimpleMeterRegistry();
    metrics = new WebhookMetrics(registry);
    engine =
        new PolicyEngine(
            PolicyLoader.load(Path.of("policies"), Rules.all().stream().map(Rule::info).toList())
                .policySet(),
            Rules.all(),
            Mutations.all());
  }

  /**
   * A ZooKeeper set of {@code replicas} as a slim cache holds it: no probe, no anti-affinity, no
   * resources, so that any rule besides those judging a change of replicas would report it (the
   * shipped quorum policy enforces readiness-probe and warns on anti-affinity).
   */
  private static StatefulSet zk(int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withNamespace("data")
        .withName("zk")
        .withUid("uid-data-zk")
        .addToLabels("app", "zk")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withServiceName("zk-hs")
        .withNewSelector()
        .addToMatchLabels("app", "zk")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "zk")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("zookeeper")
        .withImage("registry.example/zookeeper:3.9.2")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private AdmissionHandler handler(Endpoint endpoint, ClusterView view) {
    return new AdmissionHandler(endpoint, LivePolicies.of(engine, "test"), view, metrics, null);
  }

  private static ObjectNode realistic() throws Exception {
    return (ObjectNode) JSON.readTree(Files.readAllBytes(FOLDER.resolve(KUBECTL_SCALE)));
  }

  /** The realistic body, scaling from {@code from} to {@code to} replicas. */
  private static ObjectNode scale(int from, int to) throws Exception {
    ObjectNode body = realistic();
    ObjectNode request = (ObjectNode) body.get("request");
    ((ObjectNode) request.path("oldObject").path("spec")).put("replicas", from);
    ((ObjectNode) request.path("oldObject").path("status")).put("replicas", from);
    ((ObjectNode) request.path("object").path("spec")).put("replicas", to);
    ((ObjectNode) request.path("object").path("status")).put("replicas", from);
    return body;
  }

  private static AdmissionReview review(ObjectNode body) throws Exception {
    return ReviewCodec.decode(JSON.writeValueAsBytes(body));
  }

  private static AdmissionResponse answer(AdmissionHandler handler, ObjectNode body)
      throws Exception {
    return handler.processReview(review(body)).getResponse();
  }

  private static List<String> warnings(AdmissionResponse response) {
    return response.getWarnings() == null ? List.of() : response.getWarnings();
  }

  private double count(String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  @Test
  void translatesAHandBuiltScaleIntoAnUpdateOfTheStoredSetFromTheOldToTheNewCount()
      throws Exception {
    // Given a review built by hand: Scale objects of 3 and 2 replicas for statefulset data/zk
    ObjectNode body = JSON.createObjectNode();
    body.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = body.putObject("request");
    request.put("uid", "u-1").put("operation", "UPDATE").put("subResource", "scale");
    request.put("name", "zk").put("namespace", "data");
    request.putObject("kind").put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
    request
        .putObject("resource")
        .put("group", "apps")
        .put("version", "v1")
        .put("resource", "statefulsets");
    request.putObject("userInfo").put("username", "alice");
    for (String field : List.of("object", "oldObject")) {
      ObjectNode scale = request.putObject(field);
      scale.put("apiVersion", "autoscaling/v1").put("kind", "Scale");
      scale.putObject("metadata").put("name", "zk").put("namespace", "data");
      scale.putObject("spec").put("replicas", field.equals("object") ? 2 : 3);
    }
    AdmissionReview review = review(body);
    StatefulSet stored = zk(3);
    ClusterView view = ManifestClusterView.of(List.of(stored));

    // When
    ScaleReviews.Translated translated =
        ScaleReviews.translate(
            Endpoint.VALIDATE, review.getRequest(), ReviewCodec.request(review), view, metrics);

    // Then it is the UPDATE of the stored set, from 3 to 2 replicas, by the same user
    assertThat(translated.answer()).isEmpty();
    assertThat(translated.request().kind()).as("the kind sent, for the metrics").isEqualTo("Scale");
    Admission admission = translated.request().admission().orElseThrow();
    assertThat(admission.operation()).isEqualTo(Operation.UPDATE);
    assertThat(admission.kind()).isEqualTo("StatefulSet");
    assertThat(admission.subResource()).isEqualTo(PolicyEngine.SCALE);
    assertThat(admission.uid()).isEqualTo("u-1");
    assertThat(admission.user().username()).isEqualTo("alice");
    HasMetadata now = admission.object().orElseThrow();
    HasMetadata before = admission.oldObject().orElseThrow();
    assertThat(((StatefulSet) now).getSpec().getReplicas()).isEqualTo(2);
    assertThat(((StatefulSet) before).getSpec().getReplicas()).isEqualTo(3);
    assertThat(now.getMetadata().getLabels()).containsEntry("app", "zk");
    assertThat(((StatefulSet) now).getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getImage())
        .containsExactly("registry.example/zookeeper:3.9.2");
    // And the view's own object is left as it was
    assertThat(stored.getSpec().getReplicas()).isEqualTo(3);
    assertThat(now).isNotSameAs(stored);
  }

  @Test
  void readsTheApiServersScaleBodyAsAStatefulSetUpdateFrom5To1() throws Exception {
    // Given the body kubectl scale statefulset zk --replicas=1 makes the API server send
    AdmissionReview review = review(realistic());

    // When
    ScaleReviews.Translated translated =
        ScaleReviews.translate(
            Endpoint.VALIDATE,
            review.getRequest(),
            ReviewCodec.request(review),
            ManifestClusterView.of(List.of(zk(5))),
            metrics);

    // Then
    Admission admission = translated.request().admission().orElseThrow();
    assertThat(((StatefulSet) admission.oldObject().orElseThrow()).getSpec().getReplicas())
        .isEqualTo(5);
    assertThat(((StatefulSet) admission.object().orElseThrow()).getSpec().getReplicas())
        .isEqualTo(1);
    assertThat(admission.options()).isPresent();
    assertThat(admission.dryRun()).isFalse();
  }

  @Test
  void deniesKubectlScaleOfAQuorumSetFrom5To1NamingScaleDown() throws Exception {
    // Given zk with 5 members in the view, under the shipped quorum policy
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(zk(5))));

    // When kubectl scale --replicas=1 arrives
    AdmissionResponse response = answer(validate, realistic());

    // Then it is denied by scale-down alone, with the uid echoed and the way to break glass
    assertThat(response.getUid()).isEqualTo("5f2b7c1e-8d4a-4e0b-9a3c-2d6f1b8e7a90");
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(403);
    String message = response.getStatus().getMessage();
    assertThat(message)
        .startsWith("stateguard: 1 finding denies this request:")
        .contains("[scale-down] scaling statefulset data/zk from 5 to 1 replicas")
        .contains(
            "kubectl annotate statefulset zk -n data stateguard.io/break-glass=\"<reason>\","
                + " then scale it again");
    assertThat(warnings(response)).isEmpty();
    assertThat(
            count(
                "stateguard_admission_reviews_total",
                "kind",
                "Scale",
                "operation",
                "UPDATE",
                "decision",
                AdmissionHandler.DENIED))
        .isEqualTo(1.0);
  }

  @Test
  void allowsAScaleTheQuorumSparesWithoutJudgingWhatTheCachedCopyLacks() throws Exception {
    // Given zk with 5 members and no readiness probe or anti-affinity (which the quorum policy
    // enforces and warns on for a StatefulSet UPDATE of the object itself)
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(zk(5))));

    // When it is scaled to 4
    AdmissionResponse response = answer(validate, scale(5, 4));

    // Then it is allowed without a word: only the rules that judge a change of replicas ran
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
    assertThat(warnings(response)).isEmpty();
  }

  @Test
  void reportsABudgetTheScaleUpLeavesBelowTheNewQuorum() throws Exception {
    // Given zk with 3 members and a budget of minAvailable 2, right for 3 and wrong for 5
    ClusterView view =
        ManifestClusterView.of(
            List.of(
                zk(3),
                new PodDisruptionBudgetBuilder()
                    .withNewMetadata()
                    .withNamespace("data")
                    .withName("zk-pdb")
                    .endMetadata()
                    .withNewSpec()
                    .withMinAvailable(new IntOrString(2))
                    .withNewSelector()
                    .addToMatchLabels("app", "zk")
                    .endSelector()
                    .endSpec()
                    .build()));
    AdmissionHandler validate = handler(Endpoint.VALIDATE, view);

    // When it is scaled to 5
    AdmissionResponse response = answer(validate, scale(3, 5));

    // Then pdb-quorum says the budget is now below the quorum of 3
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .contains("[pdb-quorum] scaling statefulset data/zk from 3 to 5 replicas")
        .contains("pdb data/zk-pdb allows 3 of 5 members")
        .doesNotContain("[scale-down]");
  }

  @Test
  void deniesScalingToZeroWhenTheApiServerOmitsTheZeroCount() throws Exception {
    // Given a body for --replicas=0: the API server leaves the zero spec.replicas out
    ObjectNode body = scale(5, 0);
    ((ObjectNode) body.path("request").path("object").path("spec")).remove("replicas");
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(zk(5))));

    // When
    AdmissionResponse response = answer(validate, body);

    // Then
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .contains("[scale-down] scaling statefulset data/zk from 5 to 0 replicas stops every");
  }

  @Test
  void allowsWithAWarningAndCountsAScaleOfASetTheViewDoesNotHold() throws Exception {
    // Given serve without a connection to the API server: a view that holds no sets
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ClusterView.empty());

    // When
    AdmissionResponse response = answer(validate, realistic());

    // Then the scale is allowed, with a warning that says it was not judged and why
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getUid()).isEqualTo("5f2b7c1e-8d4a-4e0b-9a3c-2d6f1b8e7a90");
    assertThat(warnings(response))
        .singleElement(STRING)
        .contains("statefulset data/zk from 5 to 1 replicas was allowed without being judged")
        .contains("without a connection to the API server")
        .contains("scale-down and pdb-quorum did not check it");
    // And counted
    assertThat(count("stateguard_admission_scales_not_judged_total", "reason", "no_cluster"))
        .isEqualTo(1.0);
    assertThat(
            count(
                "stateguard_admission_reviews_total",
                "kind",
                "Scale",
                "decision",
                AdmissionHandler.NOT_COVERED))
        .isEqualTo(1.0);
  }

  @Test
  void allowsWithAWarningAScaleOfAnOlderObjectOfTheSameName() throws Exception {
    // Given a view still holding a set of the same name but another uid
    StatefulSet older =
        new StatefulSetBuilder(zk(5)).editMetadata().withUid("old").endMetadata().build();
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(older)));

    // When
    AdmissionResponse response = answer(validate, realistic());

    // Then
    assertThat(response.getAllowed()).isTrue();
    assertThat(warnings(response)).singleElement(STRING).contains("an older statefulset data/zk");
    assertThat(count("stateguard_admission_scales_not_judged_total", "reason", "other_object"))
        .isEqualTo(1.0);
  }

  @Test
  void leavesTheScaleOfADeploymentAlone() throws Exception {
    // Given the same Scale objects for a Deployment's scale subresource
    ObjectNode body = realistic();
    ((ObjectNode) body.path("request").path("resource")).put("resource", "deployments");
    AdmissionHandler validate = handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(zk(5))));

    // When
    AdmissionResponse response = answer(validate, body);

    // Then nothing judges it: a Deployment named zk is not the StatefulSet zk
    assertThat(response.getAllowed()).isTrue();
    assertThat(warnings(response)).isEmpty();
    assertThat(count("stateguard_admission_scales_not_judged_total")).isZero();
    assertThat(
            count(
                "stateguard_admission_reviews_total",
                "kind",
                "Scale",
                "decision",
                AdmissionHandler.NOT_COVERED))
        .isEqualTo(1.0);
  }

  @Test
  void neverPatchesAScale() throws Exception {
    // Given /mutate with every mutation on, and a set that lacks what they add
    AdmissionHandler mutate = handler(Endpoint.MUTATE, ManifestClusterView.of(List.of(zk(5))));

    // When a scale reaches it
    AdmissionResponse response = answer(mutate, scale(5, 4));

    // Then it is allowed without a patch or a warning
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getPatch()).isNull();
    assertThat(response.getPatchType()).isNull();
    assertThat(warnings(response)).isEmpty();
  }

  @Test
  void refusesAScaleWhoseReplicasAreNotAWholeNumber() throws Exception {
    // Given
    ObjectNode body = realistic();
    ((ObjectNode) body.path("request").path("object").path("spec")).put("replicas", -2);
    AdmissionReview review = review(body);

    // When / Then
    assertThatThrownBy(
            () ->
                ScaleReviews.translate(
                    Endpoint.VALIDATE,
                    review.getRequest(),
                    ReviewCodec.request(review),
                    ManifestClusterView.of(List.of(zk(5))),
                    metrics))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("request.object.spec.replicas is -2");
  }

  @Test
  void allowsTheScaleOfASetAnnotatedToBreakGlassBeforehand() throws Exception {
    // Given zk annotated with a break-glass reason before it is scaled
    StatefulSet annotated =
        new StatefulSetBuilder(zk(5))
            .editMetadata()
            .addToAnnotations("stateguard.io/break-glass", "INC-4711: rebuild the ensemble")
            .endMetadata()
            .build();
    AdmissionHandler validate =
        handler(Endpoint.VALIDATE, ManifestClusterView.of(List.of(annotated)));

    // When it is scaled to 1
    AdmissionResponse response = answer(validate, realistic());

    // Then it is allowed, and the waived finding is said
    assertThat(response.getAllowed()).isTrue();
    assertThat(String.join("\n", warnings(response)))
        .contains("allowed by exemption")
        .contains("INC-4711")
        .contains("[scale-down]");
  }
}
