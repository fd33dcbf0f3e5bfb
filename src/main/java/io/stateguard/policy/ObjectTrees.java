package io.stateguard.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Kubernetes model objects as JSON trees, the form JSON Patch works on, and deep copies made
 * through them. The model classes carry their own Jackson annotations (absent and empty fields are
 * left out, unknown fields are kept), so a tree is the object as the API server would write it.
 * Thread-safe.
 */
final class ObjectTrees {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ObjectTrees() {}

  static JsonNode tree(Object object) {
    return MAPPER.valueToTree(object);
  }

  /** A deep copy of {@code object}, of the same class. */
  @SuppressWarnings("unchecked")
  static <T> T copy(T object) {
    try {
      return (T) MAPPER.treeToValue(tree(object), object.getClass());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a " + object.getClass().getSimpleName() + " does not survive a copy as JSON", e);
    }
  }
}
