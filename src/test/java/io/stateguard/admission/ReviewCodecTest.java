package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Operation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReviewCodecTest {

  @Test
  void decodesAStatefulSetCreateToATypedObject() throws Exception {
    Admission admission = admission("statefulset-create.json");

    assertThat(admission.operation()).isEqualTo(Operation.CREATE);
    assertThat(admission.kind()).isEqualTo("StatefulSet");
    assertThat(admission.namespace()).isEqualTo("demo");
    assertThat(admission.name()).isEqualTo("web");
    assertThat(admission.object()).get().isInstanceOf(StatefulSet.class);
    assertThat(((StatefulSet) admission.object().get()).getSpec().getReplicas()).isEqualTo(3);
    assertThat(admission.oldObject()).isEmpty();
    assertThat(admission.user().username()).isEqualTo("kube-admin");
    assertThat(admission.user().groups()).contains("system:masters");
    assertThat(admission.dryRun()).isFalse();
    assertThat(admission.options()).isPresent();
  }

  @Test
  void decodesAnUpdateWithBothObjects() throws Exception {
    Admission admission = admission("statefulset-update.json");

    assertThat(admission.operation()).isEqualTo(Operation.UPDATE);
    assertThat(((StatefulSet) admission.object().get()).getSpec().getReplicas()).isEqualTo(5);
    assertThat(((StatefulSet) admission.oldObject().get()).getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void decodesADeleteWithTheOldObjectOnly() throws Exception {
    Admission admission = admission("statefulset-delete.json");

    assertThat(admission.operation()).isEqualTo(Operation.DELETE);
    assertThat(admission.object()).isEmpty();
    assertThat(admission.oldObject()).get().isInstanceOf(StatefulSet.class);
  }

  @Test
  void decodesAPodDisruptionBudget() throws Exception {
    Admission admission = admission("pdb-create.json");

    assertThat(admission.object()).get().isInstanceOf(PodDisruptionBudget.class);
    assertThat(
            ((PodDisruptionBudget) admission.object().get())
                .getSpec()
                .getMaxUnavailable()
                .getIntVal())
        .isEqualTo(1);
  }

  @Test
  void decodesAPodDeleteWithItsDeletionTimestamp() throws Exception {
    Admission first = admission("pod-delete.json");
    Admission last = admission("pod-delete-final.json");

    assertThat(first.oldObject()).get().isInstanceOf(Pod.class);
    assertThat(first.oldObject().get().getMetadata().getDeletionTimestamp()).isNull();
    assertThat(last.oldObject().get().getMetadata().getDeletionTimestamp()).isNotNull();
  }

  @Test
  void readsDryRun() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).put("dryRun", true);

    ReviewCodec.Request request =
        ReviewCodec.request(ReviewCodec.decode(ApiServerFixtures.bytes(review)));

    assertThat(request.dryRun()).isTrue();
    assertThat(request.admission().get().dryRun()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all| the request body is not valid JSON",
        "{\"kind\":\"AdmissionReview\"} trailing| the request body is not valid JSON",
        "[]| the request body is a JSON array, not an AdmissionReview object",
        "\"review\"| the request body is a JSON string, not an AdmissionReview object",
        "{\"apiVersion\":\"admission.k8s.io/v1\"}| kind is missing",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}| kind is \"Pod\": the body must be an AdmissionReview",
        "{\"kind\":\"AdmissionReview\"}| apiVersion is missing: only AdmissionReview"
            + " admission.k8s.io/v1 is supported",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1beta1\",\"request\":{}}|"
            + " AdmissionReview admission.k8s.io/v1beta1 is not supported: only admission.k8s.io/v1",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}| request is missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":null}|"
            + " request is missing",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":[1]}|"
            + " request is a JSON array, not an object",
        "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":"
            + "{\"dryRun\":{}}}| does not fit the admission.k8s.io/v1 model at request.dryRun",
      })
  void rejectsWhatIsNotAV1AdmissionReviewSayingWhy(String body, String message) {
    assertThatThrownBy(() -> ReviewCodec.decode(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining(message.strip())
        .extracting(e -> ((ReviewException) e).status())
        .isEqualTo(400);
  }

  @Test
  void rejectsAReviewThatNamesNoApiVersion() {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    review.remove("apiVersion");

    assertThatThrownBy(() -> ReviewCodec.decode(ApiServerFixtures.bytes(review)))
        .isInstanceOf(ReviewException.class)
        .hasMessageStartingWith("apiVersion is missing");
  }

  @Test
  void rejectsAnEmptyBody() {
    assertThatThrownBy(() -> ReviewCodec.decode(new byte[0]))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("the request body is empty");
  }

  @Test
  void namesTheFieldOfAValueOfTheWrongType() {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.at("/request/object/spec")).put("replicas", "three");

    assertThatThrownBy(() -> ReviewCodec.decode(ApiServerFixtures.bytes(review)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("at request.object.spec.replicas");
  }

  @Test
  void refusesNestingDeeperThanAnyObjectNeeds() {
    String deep = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);

    assertThatThrownBy(() -> ReviewCodec.decode(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ReviewException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void encodesOnlyTheResponse() {
    AdmissionReview response = ReviewResponses.allowed("abc");

    String json = new String(ReviewCodec.encode(response), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"allowed\":true,\"uid\":\"abc\"}}");
  }

  private static Admission admission(String name) throws ReviewException {
    return ReviewCodec.request(ReviewCodec.decode(ApiServerFixtures.body(name)))
        .admission()
        .orElseThrow();
  }
}
