package io.stateguard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 6902 JSON Patch: the operations that turn an object as admitted into the object as
 * mutated. The admission webhook answers with it ({@code patchType: JSONPatch}, base64), reports
 * print it. Immutable: operations are copied in and out.
 */
public final class Patch {

  /** No change. */
  public static final Patch EMPTY = new Patch(List.of());

  /**
   * Plain add, remove and replace operations only: {@code move} and {@code copy} are shorter at
   * times but harder to read in a report, and a {@code remove} needs no copy of the old value.
   */
  private static final EnumSet<DiffFlags> FLAGS =
      EnumSet.of(
          DiffFlags.OMIT_MOVE_OPERATION,
          DiffFlags.OMIT_COPY_OPERATION,
          DiffFlags.OMIT_VALUE_ON_REMOVE);

  private final List<JsonNode> operations;

  private Patch(List<JsonNode> operations) {
    this.operations = operations;
  }

  /**
   * A patch of the given operations, each an object with {@code op} and {@code path}.
   *
   * @throws IllegalArgumentException when the operations are not a valid RFC 6902 patch
   */
  public static Patch of(List<JsonNode> operations) {
    List<JsonNode> copies = new ArrayList<>(operations.size());
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (JsonNode op : operations) {
      Objects.requireNonNull(op, "operation");
      copies.add(op.deepCopy());
      array.add(op.deepCopy());
    }
    try {
      JsonPatch.validate(array);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an RFC 6902 patch: " + e.getMessage(), e);
    }
    return copies.isEmpty() ? EMPTY : new Patch(List.copyOf(copies));
  }

  /** The minimal patch that turns {@code before} into {@code after}; empty when they are equal. */
  public static Patch diff(JsonNode before, JsonNode after) {
    if (before.equals(after)) {
      return EMPTY;
    }
    List<JsonNode> ops = new ArrayList<>();
    JsonDiff.asJson(before, after, FLAGS).forEach(ops::add);
    return ops.isEmpty() ? EMPTY : new Patch(List.copyOf(ops));
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** The operations, as copies. */
  public List<JsonNode> operations() {
    return operations.stream().<JsonNode>map(JsonNode::deepCopy).toList();
  }

  /** The patch as the JSON array the webhook encodes; a new array each call. */
  public ArrayNode json() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    operations.forEach(op -> array.add(op.deepCopy()));
    return array;
  }

  /**
   * {@code document} with the patch applied, as a new tree; {@code document} is not changed.
   *
   * @throws IllegalArgumentException when an operation cannot be applied (a path that does not
   *     exist)
   */
  public JsonNode applyTo(JsonNode document) {
    try {
      return JsonPatch.apply(json(), document);
    } catch (JsonPatchApplicationException e) {
      throw new IllegalArgumentException("the patch does not apply: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Patch other && operations.equals(other.operations);
  }

  @Override
  public int hashCode() {
    return operations.hashCode();
  }

  /** The patch as compact JSON: {@code [{"op":"add","path":"/spec/...","value":...}]}. */
  @Override
  public String toString() {
    return json().toString();
  }
}
