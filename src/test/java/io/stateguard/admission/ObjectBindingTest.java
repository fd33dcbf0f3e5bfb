package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ObjectBinding}: the one-pass binding of a review's objects gives what the model's own
 * binding gives, takes the API server's bodies, and leaves every other shape to the model.
 */
class ObjectBindingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<String> fixtures() {
    return ApiServerFixtures.names();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void bindsEachApiServerBodyInOnePassToWhatTheModelBinds(String name) {
    // Given a body the API server sent
    byte[] body = ApiServerFixtures.body(name);

    // When it is bound in one pass and by the model
    AdmissionReview fast = ReviewCodec.onePass(body);
    AdmissionReview model = ReviewCodec.bind(body);

    // Then the fast path took it, and both are equal, object by object
    assertThat(fast).as("bound in one pass").isNotNull();
    assertThat(model).isNotNull();
    assertThat(fast).isEqualTo(model);
    assertThat(fast).usingRecursiveComparison().isEqualTo(model);
    assertThat(fast.getRequest().getObject()).isEqualTo(model.getRequest().getObject());
    assertThat(fast.getRequest().getOldObject()).isEqualTo(model.getRequest().getOldObject());
    assertThat(classOf(fast.getRequest().getObject()))
        .isEqualTo(classOf(model.getRequest().getObject()));
    assertThat(classOf(fast.getRequest().getOldObject()))
        .isEqualTo(classOf(model.getRequest().getOldObject()));
    assertThat((Object) JSON.valueToTree(fast)).isEqualTo(JSON.valueToTree(model));
  }

  @Test
  void bindsEveryKindTheSameWhenBodiesOfDifferentKindsAlternate() {
    // Given bodies of three kinds (the binding keeps the deserializer it found for each class)
    List<String> names = List.of("statefulset-create.json", "pdb-create.json", "pod-delete.json");

    // When they are bound in one pass again and again, kinds alternating
    for (int round = 0; round < 3; round++) {
      for (String name : names) {
        byte[] body = ApiServerFixtures.body(name);
        AdmissionReview fast = ReviewCodec.onePass(body);

        // Then each is bound to its own class, equal to what the model binds
        AdmissionReview model = ReviewCodec.bind(body);
        assertThat(fast).as(name + ", round " + round).isNotNull().isEqualTo(model);
        assertThat(classOf(fast.getRequest().getObject()))
            .isEqualTo(classOf(model.getRequest().getObject()));
        assertThat(classOf(fast.getRequest().getOldObject()))
            .isEqualTo(classOf(model.getRequest().getOldObject()));
      }
    }
  }

  @Test
  void bindsAnObjectWhoseApiVersionComesBeforeItsKind() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ObjectNode object = (ObjectNode) review.path("request").path("object");
    ObjectNode reordered = JSON.createObjectNode();
    reordered.set("apiVersion", object.get("apiVersion"));
    reordered.set("kind", object.get("kind"));
    object.fieldNames().forEachRemaining(n -> reordered.set(n, object.get(n)));
    ((ObjectNode) review.get("request")).set("object", reordered);
    byte[] body = ApiServerFixtures.bytes(review);

    AdmissionReview fast = ReviewCodec.onePass(body);

    assertThat(fast).isNotNull().isEqualTo(ReviewCodec.bind(body));
    assertThat(fast.getRequest().getObject()).isInstanceOf(StatefulSet.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // apiVersion and kind not first
        "{\"metadata\":{\"name\":\"web\"},\"kind\":\"StatefulSet\",\"apiVersion\":\"apps/v1\"}",
        // no apiVersion
        "{\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"web\"}}",
        // no kind: the model makes a RawExtension
        "{\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\"}}",
        // a kind the model has no class for: a GenericKubernetesResource
        "{\"kind\":\"Widget\",\"apiVersion\":\"example.com/v1\",\"metadata\":{\"name\":\"w\"}}",
        // kind given twice: the model's tree keeps the last one
        "{\"kind\":\"StatefulSet\",\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}",
        "{\"kind\":\"StatefulSet\",\"apiVersion\":\"apps/v1\",\"apiVersion\":\"apps/v2\"}",
        // not strings
        "{\"kind\":1,\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\"}}",
        // a list kind
        "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":[]}",
        // only the two fields
        "{\"kind\":\"StatefulSet\",\"apiVersion\":\"apps/v1\"}",
        "{}",
        "[]",
        "\"text\""
      })
  void leavesEveryOtherShapeToTheModelsBinding(String object) throws Exception {
    // Given a review whose object is not in the API server's shape
    byte[] body = withObject(object);

    // When it is decoded
    AdmissionReview decoded = ReviewCodec.decode(body);

    // Then the decoder gives what the model's binding gives
    AdmissionReview model = ReviewCodec.bind(body);
    assertThat(model).isNotNull();
    // (field by field: the model's list classes have no equals of their own)
    assertThat(decoded).usingRecursiveComparison().isEqualTo(model);
    assertThat(classOf(decoded.getRequest().getObject()))
        .isEqualTo(classOf(model.getRequest().getObject()));
    assertThat((Object) JSON.valueToTree(decoded)).isEqualTo(JSON.valueToTree(model));
  }

  @Test
  void refusesTheShapesItDoesNotTake() {
    // The fallback is only correct if the fast path does refuse these; a kind given twice is the
    // one it cannot see before binding.
    assertThat(
            ReviewCodec.onePass(
                withObject(
                    "{\"kind\":\"StatefulSet\",\"apiVersion\":\"apps/v1\","
                        + "\"kind\":\"PodDisruptionBudget\"}")))
        .isNull();
    assertThat(
            ReviewCodec.onePass(
                withObject(
                    "{\"kind\":\"Widget\",\"apiVersion\":\"example.com/v1\","
                        + "\"metadata\":{\"name\":\"w\"}}")))
        .isNull();
    AdmissionReview generic =
        ReviewCodec.bind(
            withObject(
                "{\"kind\":\"Widget\",\"apiVersion\":\"example.com/v1\","
                    + "\"metadata\":{\"name\":\"w\"}}"));
    assertThat(generic.getRequest().getObject()).isInstanceOf(GenericKubernetesResource.class);
  }

  @Test
  void keepsUnknownFieldsOfTheObjectAsTheModelDoes() throws Exception {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ObjectNode object = (ObjectNode) review.path("request").path("object");
    object.putObject("futureField").put("a", 1).putArray("b").add(2.5).add("x");
    ((ObjectNode) object.get("spec")).put("futureSpecField", true);
    byte[] body = ApiServerFixtures.bytes(review);

    AdmissionReview fast = ReviewCodec.onePass(body);

    assertThat(fast).isNotNull().isEqualTo(ReviewCodec.bind(body));
    StatefulSet set = (StatefulSet) fast.getRequest().getObject();
    assertThat(set.getAdditionalProperties()).containsKey("futureField");
    assertThat(set.getSpec().getAdditionalProperties()).containsEntry("futureSpecField", true);
  }

  /** The create fixture with {@code object} (JSON text) as its request's object. */
  private static byte[] withObject(String object) {
    ObjectNode review = ApiServerFixtures.tree("statefulset-create.json");
    ((ObjectNode) review.get("request")).put("object", "__object__");
    String text = new String(ApiServerFixtures.bytes(review), StandardCharsets.UTF_8);
    return text.replace("\"__object__\"", object).getBytes(StandardCharsets.UTF_8);
  }

  private static Class<?> classOf(Object o) {
    return o == null ? null : o.getClass();
  }
}
