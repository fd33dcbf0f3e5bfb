package io.stateguard.policy.mutations;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Selectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The members of a StatefulSet as scheduling terms name them: the set's own selector, which by API
 * validation selects its pod template's labels. Shared by the mutations that add scheduling terms.
 */
final class PodIdentity {

  /** The label the API server puts on every namespace: the only namespace label known here. */
  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private PodIdentity() {}

  /**
   * A copy of the set's selector, usable as the labelSelector of a term about its own pods; empty
   * when the set has no selector, an empty one (which would select every pod), or one that does not
   * select its own pod template (the API server rejects such a set: nothing is added to it).
   */
  static Optional<LabelSelector> selector(StatefulSet set) {
    LabelSelector selector = set.getSpec() == null ? null : set.getSpec().getSelector();
    if (selector == null
        || (nonNull(selector.getMatchLabels()).isEmpty()
            && nonNull(selector.getMatchExpressions()).isEmpty())
        || !Selectors.matches(selector, Selectors.podLabels(set))) {
      return Optional.empty();
    }
    return Optional.of(new LabelSelectorBuilder(selector).build());
  }

  /** The pod template's spec, when the set has one to add to. */
  static Optional<PodSpec> podSpec(StatefulSet set) {
    if (set.getSpec() == null || set.getSpec().getTemplate() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(set.getSpec().getTemplate().getSpec());
  }

  /**
   * Whether a pod (anti-)affinity term is about the set's own members: its labelSelector selects
   * the pod template's labels and it covers the set's namespace. Judged as the {@code
   * anti-affinity} rule judges it: a namespaceSelector only on the namespace's name label, other
   * requirements on namespace labels are assumed met.
   */
  static boolean coversOwnPods(PodAffinityTerm term, StatefulSet set, String namespace) {
    if (term == null || !Selectors.matches(term.getLabelSelector(), Selectors.podLabels(set))) {
      return false;
    }
    List<String> namespaces = nonNull(term.getNamespaces());
    LabelSelector namespaceSelector = term.getNamespaceSelector();
    if (namespaces.contains(namespace) || (namespaces.isEmpty() && namespaceSelector == null)) {
      return true;
    }
    if (namespaceSelector == null) {
      return false;
    }
    LabelSelector onName = new LabelSelector();
    Map<String, String> labels = namespaceSelector.getMatchLabels();
    if (labels != null && labels.containsKey(NAMESPACE_NAME_LABEL)) {
      onName.setMatchLabels(Map.of(NAMESPACE_NAME_LABEL, labels.get(NAMESPACE_NAME_LABEL)));
    }
    List<LabelSelectorRequirement> onNameExpressions = new ArrayList<>();
    for (LabelSelectorRequirement r : nonNull(namespaceSelector.getMatchExpressions())) {
      if (NAMESPACE_NAME_LABEL.equals(r.getKey())) {
        onNameExpressions.add(r);
      }
    }
    onName.setMatchExpressions(onNameExpressions);
    return Selectors.matches(onName, Map.of(NAMESPACE_NAME_LABEL, namespace));
  }

  static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  static <K, V> Map<K, V> nonNull(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
