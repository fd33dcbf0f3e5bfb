package io.stateguard.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a document's tree into its model class as strictly as the API server decodes it: a value of
 * the wrong type ({@code replicas: "3"}, a number where a string belongs), a float where an integer
 * belongs, a field the kind does not have and a malformed quantity are all errors. Every error
 * names the field path and what was expected; none leaks a Java type or a stack trace. Thread-safe.
 */
final class TypedReader {

  /** One thing wrong with a document, at a field. */
  record Failure(List<Object> path, String message) {}

  /** The object read, or the failures that kept it from being read. */
  record Result<T>(T value, List<Failure> failures) {}

  private static final String UNKNOWN_FIELDS = "stateguard.unknownFields";
  private static final String TREE = "stateguard.tree";

  private static final ObjectMapper MAPPER = strictMapper();

  /** A Kubernetes quantity: a decimal number with an optional SI, binary or exponent suffix. */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]+)?");

  private TypedReader() {}

  static <T> Result<T> read(JsonNode tree, Class<T> type) {
    List<Failure> unknown = new ArrayList<>();
    T value;
    try {
      value =
          MAPPER
              .readerFor(type)
              .withAttribute(UNKNOWN_FIELDS, unknown)
              .withAttribute(TREE, tree)
              .readValue(tree);
    } catch (JsonMappingException e) {
      return new Result<>(null, List.of(translate(e, tree)));
    } catch (IOException | RuntimeException e) {
      // Model classes may reject a value in their own code; say so without the internals.
      return new Result<>(null, List.of(new Failure(List.of(), "cannot be read: " + firstLine(e))));
    }
    List<Failure> failures = new ArrayList<>(unknown);
    nullItems(tree, new ArrayList<>(), failures);
    failures.addAll(quantities(tree));
    return failures.isEmpty() ? new Result<>(value, List.of()) : new Result<>(null, failures);
  }

  private static ObjectMapper strictMapper() {
    SimpleModule strict = new SimpleModule("stateguard-strict");
    strict.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
            if (!builder.getProperties().hasNext()) {
              // A type with no fields of its own holds free-form content (managedFields' fieldsV1).
              return builder;
            }
            // The model classes keep unknown fields aside; the API server rejects them.
            builder.setAnySetter(null);
            builder.setIgnoreUnknownProperties(false);
            return builder;
          }
        });
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(strict)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .addHandler(new UnknownFieldCollector())
            .build();
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /** Records each unknown field (all of them, not only the first) and skips its value. */
  private static final class UnknownFieldCollector extends DeserializationProblemHandler {
    @Override
    @SuppressWarnings("unchecked")
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object bean,
        String name)
        throws IOException {
      List<Failure> unknown = (List<Failure>) ctxt.getAttribute(UNKNOWN_FIELDS);
      JsonNode tree = (JsonNode) ctxt.getAttribute(TREE);
      if (unknown == null || tree == null) {
        return false;
      }
      String pointer = p.getParsingContext().pathAsPointer().toString();
      unknown.add(new Failure(FieldPath.ofPointer(tree, pointer), "unknown field"));
      p.skipChildren();
      return true;
    }
  }

  private static Failure translate(JsonMappingException e, JsonNode tree) {
    List<Object> path = FieldPath.of(e);
    JsonNode actual = FieldPath.at(tree, path);
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return new Failure(
          path, "expected " + expected(mismatch.getTargetType()) + ", got " + describe(actual));
    }
    if (message.contains("out of range")) {
      return new Failure(path, describe(actual) + " is out of range for this field");
    }
    if (message.contains("IntOrString")) {
      return new Failure(path, "expected an integer or a string, got " + describe(actual));
    }
    return new Failure(path, "cannot be read: " + firstLine(e));
  }

  /** What a model type takes, in the words of the Kubernetes API reference. */
  static String expected(Class<?> type) {
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == IntOrString.class) {
      return "an integer or a string";
    }
    if (type == Quantity.class) {
      return "a quantity";
    }
    return "a mapping"; // maps and the model's object types alike
  }

  /** How a value reads in a message: {@code the string "three"}, {@code a list}. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isTextual()) {
      return "the string " + quote(value.asText());
    }
    if (value.isNumber()) {
      return "the number " + value.asText();
    }
    if (value.isBoolean()) {
      return value.asText();
    }
    if (value.isNull()) {
      return "null";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isObject() ? "a mapping" : "a value";
  }

  static String quote(String text) {
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return '"' + shown.replace("\n", "\\n") + '"';
  }

  private static String firstLine(Exception e) {
    String message =
        e instanceof JsonMappingException m && m.getOriginalMessage() != null
            ? m.getOriginalMessage()
            : String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).replace("`", "");
  }

  /**
   * A {@code null} list item: the API server would read it as an empty object and reject it, and
   * rules should never meet one.
   */
  private static void nullItems(JsonNode node, List<Object> at, List<Failure> failures) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        if (node.get(i).isNull()) {
          failures.add(new Failure(List.copyOf(at), "a list item is null"));
        } else {
          nullItems(node.get(i), at, failures);
        }
        at.remove(at.size() - 1);
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        at.add(field.getKey());
        nullItems(field.getValue(), at, failures);
        at.remove(at.size() - 1);
      }
    }
  }

  // --- quantities ---------------------------------------------------------------------------

  /** Quantities the model keeps as text: check them as the API server parses them. */
  private static List<Failure> quantities(JsonNode tree) {
    List<Failure> failures = new ArrayList<>();
    String kind = tree.path("kind").asText();
    if (kind.equals("StatefulSet")) {
      podSpec(tree.at("/spec/template/spec"), List.of("spec", "template", "spec"), failures);
      JsonNode claims = tree.at("/spec/volumeClaimTemplates");
      for (int i = 0; i < claims.size(); i++) {
        resources(
            claims.get(i).at("/spec/resources"),
            List.of("spec", "volumeClaimTemplates", i, "spec", "resources"),
            failures);
      }
    } else if (kind.equals("Pod")) {
      podSpec(tree.path("spec"), List.of("spec"), failures);
    }
    return failures;
  }

  private static void podSpec(JsonNode spec, List<Object> at, List<Failure> failures) {
    for (String containers : List.of("initContainers", "containers", "ephemeralContainers")) {
      JsonNode list = spec.path(containers);
      for (int i = 0; i < list.size(); i++) {
        resources(list.get(i).path("resources"), append(at, containers, i, "resources"), failures);
      }
    }
    resources(spec.path("resources"), append(at, "resources"), failures);
    map(spec.path("overhead"), append(at, "overhead"), failures);
    JsonNode volumes = spec.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode volume = volumes.get(i);
      quantity(
          volume.at("/emptyDir/sizeLimit"),
          append(at, "volumes", i, "emptyDir", "sizeLimit"),
          failures);
      resources(
          volume.at("/ephemeral/volumeClaimTemplate/spec/resources"),
          append(at, "volumes", i, "ephemeral", "volumeClaimTemplate", "spec", "resources"),
          failures);
    }
  }

  private static void resources(JsonNode resources, List<Object> at, List<Failure> failures) {
    map(resources.path("limits"), append(at, "limits"), failures);
    map(resources.path("requests"), append(at, "requests"), failures);
  }

  private static void map(JsonNode map, List<Object> at, List<Failure> failures) {
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      quantity(e.getValue(), append(at, e.getKey()), failures);
    }
  }

  private static void quantity(JsonNode value, List<Object> at, List<Failure> failures) {
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    boolean valid =
        value.isNumber()
            ? Double.isFinite(value.asDouble())
            : value.isTextual() && QUANTITY.matcher(value.asText()).matches();
    if (!valid) {
      failures.add(
          new Failure(
              at,
              describe(value)
                  + " is not a quantity (a number with an optional suffix: 500m, 2, 1Gi, 10G)"));
    }
  }

  private static List<Object> append(List<Object> path, Object... more) {
    List<Object> out = new ArrayList<>(path);
    out.addAll(List.of(more));
    return out;
  }
}
