package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the two annotations of mutation: {@value Mutation#EXPLICIT_ANNOTATION} (which
 * mutations must leave the object alone) and {@value Mutation#MUTATED_ANNOTATION} (which mutations
 * changed it). Both hold comma-separated ids; blanks around them are ignored.
 */
final class MutatedAnnotations {

  private MutatedAnnotations() {}

  /** The ids the object names as explicitly chosen ({@code *} for all). */
  static List<String> explicit(HasMetadata object) {
    return ids(annotation(object, Mutation.EXPLICIT_ANNOTATION));
  }

  /**
   * Adds {@code applied} to the {@value Mutation#MUTATED_ANNOTATION} annotation, keeping the ids
   * already there: known ids in catalogue order, then the others as they were, so the value does
   * not depend on the order things happened in.
   */
  static void record(HasMetadata object, List<String> applied, List<String> catalogue) {
    Set<String> ids = new LinkedHashSet<>(ids(annotation(object, Mutation.MUTATED_ANNOTATION)));
    ids.addAll(applied);
    List<String> ordered = new ArrayList<>();
    for (String id : catalogue) {
      if (ids.remove(id)) {
        ordered.add(id);
      }
    }
    ordered.addAll(ids);
    Map<String, String> annotations =
        object.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(object.getMetadata().getAnnotations());
    annotations.put(Mutation.MUTATED_ANNOTATION, String.join(",", ordered));
    object.getMetadata().setAnnotations(annotations);
  }

  private static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations =
        object.getMetadata() == null ? null : object.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    return value == null ? "" : value;
  }

  private static List<String> ids(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
