package io.stateguard.admission;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.stateguard.policy.Admission;
import io.stateguard.policy.Operation;
import io.stateguard.policy.UserInfo;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads and writes {@code admission.k8s.io/v1} AdmissionReviews with the fabric8 model, and turns a
 * review's request into the core's {@link Admission}.
 *
 * <p>A well-formed review is bound to the model in one pass, where {@code request.object} becomes a
 * typed StatefulSet, PodDisruptionBudget or Pod ({@link ObjectBinding}); one the fast binding
 * refuses is bound with the model's own deserializers, and one that does not bind is read as a JSON
 * tree, so that what is wrong with it can be said precisely (the fabric8 model would quietly fill
 * in a missing {@code apiVersion}). Every failure is a {@link ReviewException} with status 400 and
 * a message naming the field.
 *
 * <p>Stateless and thread-safe.
 */
final class ReviewCodec {

  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  /**
   * Nesting deeper than any Kubernetes object needs is refused while parsing, so a hostile body
   * cannot exhaust the stack of the thread decoding it.
   */
  private static final int MAX_NESTING = 200;

  private static final ObjectMapper MAPPER = mapper();

  /** As {@link #MAPPER}, with the request's objects bound in one pass ({@link ObjectBinding}). */
  private static final ObjectMapper ONE_PASS = ObjectBinding.install(mapper());

  /**
   * Reads the whole body as one JSON value: anything after it is an error. (Only here: the fabric8
   * model reads parts of the tree with nested parsers, which the same check would break.)
   */
  private static final ObjectReader TREE_READER =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ReviewCodec() {}

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    return mapper;
  }

  /**
   * The AdmissionReview in {@code body}.
   *
   * @throws ReviewException (400) when the body is not JSON, not a v1 AdmissionReview, has no
   *     {@code request}, or does not fit the model
   */
  static AdmissionReview decode(byte[] body) throws ReviewException {
    if (body.length == 0) {
      throw ReviewException.badRequest("the request body is empty: send an AdmissionReview");
    }
    AdmissionReview review = onePass(body);
    if (review == null) {
      review = bind(body);
    }
    if (review != null
        && API_VERSION.equals(review.getApiVersion())
        && KIND.equals(review.getKind())
        && review.getRequest() != null) {
      return review;
    }
    return diagnose(body);
  }

  /**
   * The fast path, taken by the reviews the API server sends: the body bound to the model in one
   * pass, objects included. Null when {@link ObjectBinding} refuses an object, or the body does not
   * bind or has content after the review; {@link #bind} then tries.
   */
  static AdmissionReview onePass(byte[] body) {
    return bind(ONE_PASS, body);
  }

  /**
   * The model's own binding: each object is read into a tree first, then bound. Null when the body
   * does not bind or has content after the review; {@link #diagnose} then says why.
   */
  static AdmissionReview bind(byte[] body) {
    return bind(MAPPER, body);
  }

  private static AdmissionReview bind(ObjectMapper mapper, byte[] body) {
    try (JsonParser parser = mapper.createParser(body)) {
      AdmissionReview review = mapper.readValue(parser, Strict.class);
      return parser.nextToken() == null ? review : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * An AdmissionReview whose {@code apiVersion} and {@code kind} stay null unless the body sets
   * them (the model fills them in), so that a review without them is told apart.
   */
  private static final class Strict extends AdmissionReview {
    private static final long serialVersionUID = 1L;

    Strict() {
      setApiVersion(null);
      setKind(null);
    }
  }

  /**
   * The slow path, for bodies the fast path refused: read as a JSON tree to say exactly what is
   * wrong, then bound as before.
   */
  private static AdmissionReview diagnose(byte[] body) throws ReviewException {
    JsonNode root;
    try {
      root = TREE_READER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ReviewException.badRequest("the request body is not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw ReviewException.badRequest("the request body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ReviewException.badRequest(
          "the request body is "
              + (root == null ? "empty" : "a JSON " + typeOf(root))
              + ", not an AdmissionReview object");
    }
    checkType(root);
    JsonNode request = root.get("request");
    if (request == null || request.isNull()) {
      throw ReviewException.badRequest(
          "request is missing: an AdmissionReview sent to a webhook carries the request to decide");
    }
    if (!request.isObject()) {
      throw ReviewException.badRequest("request is a JSON " + typeOf(request) + ", not an object");
    }
    try {
      return MAPPER.treeToValue(root, AdmissionReview.class);
    } catch (JsonMappingException e) {
      throw ReviewException.badRequest(
          "the AdmissionReview does not fit the admission.k8s.io/v1 model at "
              + path(e)
              + ": "
              + e.getOriginalMessage());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw ReviewException.badRequest(
          "the AdmissionReview does not fit the admission.k8s.io/v1 model: " + e.getMessage());
    }
  }

  private static void checkType(JsonNode root) throws ReviewException {
    JsonNode kind = root.get("kind");
    JsonNode apiVersion = root.get("apiVersion");
    if (kind == null || !kind.isTextual() || !KIND.equals(kind.asText())) {
      throw ReviewException.badRequest(
          (kind == null ? "kind is missing" : "kind is " + kind)
              + ": the body must be an AdmissionReview (apiVersion: "
              + API_VERSION
              + ", kind: "
              + KIND
              + ")");
    }
    if (apiVersion == null || !apiVersion.isTextual()) {
      throw ReviewException.badRequest(
          "apiVersion is "
              + (apiVersion == null ? "missing" : apiVersion.toString())
              + ": only AdmissionReview "
              + API_VERSION
              + " is supported");
    }
    if (!API_VERSION.equals(apiVersion.asText())) {
      throw ReviewException.badRequest(
          "AdmissionReview "
              + apiVersion.asText()
              + " is not supported: only "
              + API_VERSION
              + "; register the webhook with admissionReviewVersions: [\"v1\"]");
    }
  }

  /** The encoded response review. */
  static byte[] encode(AdmissionReview review) {
    byte[] fast = ResponseJson.write(MAPPER.getFactory(), review);
    if (fast != null) {
      return fast;
    }
    return encodeWithModel(review);
  }

  /** The review encoded by the model's serializers (what {@link ResponseJson} must match). */
  static byte[] encodeWithModel(AdmissionReview review) {
    try {
      return MAPPER.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      // The response is built from strings and booleans only: this is a bug, not bad input.
      throw new IllegalStateException("cannot encode an AdmissionReview response", e);
    }
  }

  /** The mapper the codec reads and writes with (for patches and tests). */
  static ObjectMapper json() {
    return MAPPER;
  }

  /**
   * What a request is about, and the Admission the core evaluates when it can evaluate one.
   *
   * @param uid the request uid, which the response must echo
   * @param kind the kind of object, as the API server names it ({@code StatefulSet})
   * @param operation what is being done
   * @param dryRun whether nothing will be persisted
   * @param admission the core's view of the request; empty when there is no Kubernetes object to
   *     evaluate (a CONNECT, or an object the model does not know)
   */
  record Request(
      String uid,
      String kind,
      Operation operation,
      boolean dryRun,
      Optional<Admission> admission) {}

  /**
   * The request of {@code review}, checked.
   *
   * @throws ReviewException (400) when the uid, the kind or the operation is missing or unknown, or
   *     a CREATE or UPDATE carries no object
   */
  static Request request(AdmissionReview review) throws ReviewException {
    AdmissionRequest r = review.getRequest();
    if (r == null) {
      throw ReviewException.badRequest("request is missing");
    }
    String uid = r.getUid();
    if (uid == null || uid.isBlank()) {
      throw ReviewException.badRequest(
          "request.uid is missing: the response must echo the request's uid");
    }
    if (r.getKind() == null || r.getKind().getKind() == null || r.getKind().getKind().isBlank()) {
      throw ReviewException.badRequest("request.kind.kind is missing");
    }
    String kind = r.getKind().getKind();
    Operation operation = operation(r.getOperation());
    boolean dryRun = Boolean.TRUE.equals(r.getDryRun());
    Optional<HasMetadata> object = object(r.getObject(), "request.object");
    Optional<HasMetadata> oldObject = object(r.getOldObject(), "request.oldObject");
    if (operation == Operation.CONNECT) {
      return new Request(uid, kind, operation, dryRun, Optional.empty());
    }
    if (operation != Operation.DELETE && r.getObject() == null) {
      throw ReviewException.badRequest(
          "request.object is missing: a " + operation + " carries the object being admitted");
    }
    if (operation != Operation.DELETE && object.isEmpty()
        || operation == Operation.DELETE && oldObject.isEmpty() && r.getOldObject() != null) {
      // Something the model has no type for (an options object, a kind without apiVersion):
      // nothing a rule could look at.
      return new Request(uid, kind, operation, dryRun, Optional.empty());
    }
    List<String> groups =
        r.getUserInfo() == null || r.getUserInfo().getGroups() == null
            ? List.of()
            : r.getUserInfo().getGroups().stream().filter(g -> g != null).toList();
    String username =
        r.getUserInfo() == null || r.getUserInfo().getUsername() == null
            ? ""
            : r.getUserInfo().getUsername();
    Admission admission =
        new Admission(
            uid,
            operation,
            kind,
            r.getSubResource(),
            r.getNamespace(),
            r.getName(),
            object,
            oldObject,
            Optional.ofNullable(r.getOptions()),
            new UserInfo(username, groups),
            dryRun);
    return new Request(uid, kind, operation, dryRun, Optional.of(admission));
  }

  private static Operation operation(String value) throws ReviewException {
    if (value == null || value.isBlank()) {
      throw ReviewException.badRequest(
          "request.operation is missing; allowed: CREATE, UPDATE, DELETE, CONNECT");
    }
    for (Operation op : Operation.values()) {
      if (op.name().equals(value)) {
        return op;
      }
    }
    throw ReviewException.badRequest(
        "request.operation is \""
            + Texts.clip(value, 40)
            + "\"; allowed: CREATE, UPDATE, DELETE, CONNECT");
  }

  private static Optional<HasMetadata> object(Object value, String field) throws ReviewException {
    if (value instanceof HasMetadata object) {
      if (object.getMetadata() == null) {
        throw ReviewException.badRequest(field + ".metadata is missing");
      }
      return Optional.of(object);
    }
    return Optional.empty();
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    String message = e.getOriginalMessage();
    if (where == null) {
      return message;
    }
    return message + " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "the top level" : path.toString();
  }

  private static String typeOf(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
