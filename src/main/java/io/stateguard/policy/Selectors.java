package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Label selector matching with the semantics of metav1.LabelSelector. */
public final class Selectors {

  private Selectors() {}

  /**
   * Whether {@code selector} selects an object with {@code labels}. A null selector selects
   * nothing; an empty one selects everything (as a policy/v1 PDB's does).
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> e : matchLabels.entrySet()) {
        if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement r : expressions) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    if (r.getOperator() == null) {
      return false;
    }
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false;
    };
  }

  /** The labels of a StatefulSet's pods (its template's), never null. */
  public static Map<String, String> podLabels(StatefulSet set) {
    if (set.getSpec() == null
        || set.getSpec().getTemplate() == null
        || set.getSpec().getTemplate().getMetadata() == null
        || set.getSpec().getTemplate().getMetadata().getLabels() == null) {
      return Map.of();
    }
    return set.getSpec().getTemplate().getMetadata().getLabels();
  }

  /** Whether a Service selector (plain map, empty selects nothing) selects {@code labels}. */
  public static boolean serviceSelects(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }
}
