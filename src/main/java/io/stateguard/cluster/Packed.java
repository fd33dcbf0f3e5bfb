package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the packed cache forms ({@link PackedPod}, {@link PackedStatefulSet}) and the slim copies
 * ({@link Slim}) share: maps kept as arrays of interned strings, the controller owner reference,
 * label selectors. Stateless.
 */
final class Packed {

  static final String[] NONE = new String[0];

  private Packed() {}

  /** Keys and values, alternating, interned; null keys and values dropped. */
  static String[] pairs(Map<String, String> in) {
    if (in == null || in.isEmpty()) {
      return NONE;
    }
    List<String> out = new ArrayList<>(in.size() * 2);
    in.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            out.add(Slim.intern(k));
            out.add(Slim.intern(v));
          }
        });
    return out.toArray(NONE);
  }

  /** The immutable map of alternating keys and values. */
  static Map<String, String> map(String[] pairs) {
    if (pairs.length == 0) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>(pairs.length);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return Map.copyOf(out);
  }

  /** The first owner reference that names a controller (the API server allows one), or null. */
  static OwnerReference controller(List<OwnerReference> in) {
    if (in == null) {
      return null;
    }
    for (OwnerReference ref : in) {
      if (ref != null && Boolean.TRUE.equals(ref.getController())) {
        return ref;
      }
    }
    return null;
  }

  /** The controller owner reference with these fields, or none when every one is null. */
  static List<OwnerReference> controllerReference(
      String apiVersion, String kind, String name, String uid) {
    if (apiVersion == null && kind == null && name == null && uid == null) {
      return List.of();
    }
    OwnerReference ref = new OwnerReference();
    ref.setAdditionalProperties(Map.of());
    ref.setApiVersion(apiVersion);
    ref.setKind(kind);
    ref.setName(name);
    ref.setUid(uid);
    ref.setController(Boolean.TRUE);
    return List.of(ref);
  }

  /**
   * A label selector as the API server sent it: a malformed expression (an unknown operator, In
   * without values) is kept too, and the rules' matching treats it as selecting nothing, as the API
   * server would have refused to store it.
   */
  record Selector(String[] matchLabels, String[] keys, String[] operators, String[][] values) {

    static Selector of(LabelSelector in) {
      if (in == null) {
        return null;
      }
      List<LabelSelectorRequirement> expressions =
          in.getMatchExpressions() == null
              ? List.of()
              : in.getMatchExpressions().stream().filter(r -> r != null).toList();
      String[] keys = new String[expressions.size()];
      String[] operators = new String[expressions.size()];
      String[][] values = new String[expressions.size()][];
      for (int i = 0; i < keys.length; i++) {
        LabelSelectorRequirement r = expressions.get(i);
        keys[i] = Slim.intern(r.getKey());
        operators[i] = Slim.intern(r.getOperator());
        values[i] =
            r.getValues() == null
                ? NONE
                : r.getValues().stream()
                    .filter(v -> v != null)
                    .map(Slim::intern)
                    .toArray(String[]::new);
      }
      return new Selector(pairs(in.getMatchLabels()), keys, operators, values);
    }

    /** The selector, a new object on each call. */
    LabelSelector toSelector() {
      LabelSelector out = new LabelSelector();
      out.setAdditionalProperties(Map.of());
      out.setMatchLabels(map(matchLabels));
      List<LabelSelectorRequirement> expressions = new ArrayList<>(keys.length);
      for (int i = 0; i < keys.length; i++) {
        LabelSelectorRequirement r = new LabelSelectorRequirement();
        r.setAdditionalProperties(Map.of());
        r.setKey(keys[i]);
        r.setOperator(operators[i]);
        r.setValues(List.of(values[i]));
        expressions.add(r);
      }
      out.setMatchExpressions(List.copyOf(expressions));
      return out;
    }
  }
}
