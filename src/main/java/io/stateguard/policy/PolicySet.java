package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * All loaded policies, ordered by priority (then name), and the questions asked of them: what class
 * is this workload, and which policies govern it. Immutable and thread-safe.
 */
public final class PolicySet {

  private final List<Policy> policies;

  public PolicySet(List<Policy> policies) {
    List<Policy> sorted = new ArrayList<>(policies);
    sorted.sort(Comparator.comparingInt(Policy::priority).thenComparing(Policy::name));
    this.policies = List.copyOf(sorted);
  }

  /** Lowest priority first. */
  public List<Policy> policies() {
    return policies;
  }

  /**
   * The workload's class: the {@value WorkloadClass#LABEL} label (on the set or its pod template),
   * else the first classifier that matches, highest-priority policy first, else {@link
   * WorkloadClass#DEFAULT}.
   */
  public WorkloadClass classify(StatefulSet set) {
    Map<String, String> labels = labels(set);
    WorkloadClass labelled = WorkloadClass.parse(labels.getOrDefault(WorkloadClass.LABEL, ""));
    if (labelled != null) {
      return labelled;
    }
    List<String> images = images(set);
    for (int i = policies.size() - 1; i >= 0; i--) {
      for (Policy.Classifier c : policies.get(i).classifiers()) {
        if (c.matches(images, labels)) {
          return c.workloadClass();
        }
      }
    }
    return WorkloadClass.DEFAULT;
  }

  /** The policies governing a StatefulSet; empty when none matches it. */
  public Optional<EffectivePolicy> resolve(StatefulSet set) {
    return resolve(namespace(set), labels(set), classify(set));
  }

  /** The policies governing an object in {@code namespace} with {@code labels} and class. */
  public Optional<EffectivePolicy> resolve(
      String namespace, Map<String, String> labels, WorkloadClass cls) {
    List<Policy> matching =
        policies.stream().filter(p -> p.match().matches(namespace, labels, cls)).toList();
    return matching.isEmpty() ? Optional.empty() : Optional.of(new EffectivePolicy(cls, matching));
  }

  /** The set's own labels merged over its pod template's. */
  static Map<String, String> labels(StatefulSet set) {
    Map<String, String> merged = new HashMap<>(Selectors.podLabels(set));
    if (set.getMetadata() != null && set.getMetadata().getLabels() != null) {
      merged.putAll(set.getMetadata().getLabels());
    }
    return merged;
  }

  static String namespace(StatefulSet set) {
    return set.getMetadata() == null || set.getMetadata().getNamespace() == null
        ? ""
        : set.getMetadata().getNamespace();
  }

  /** Every image of the pod template, init containers included. */
  static List<String> images(StatefulSet set) {
    if (set.getSpec() == null
        || set.getSpec().getTemplate() == null
        || set.getSpec().getTemplate().getSpec() == null) {
      return List.of();
    }
    var spec = set.getSpec().getTemplate().getSpec();
    return Stream.concat(
            spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
            spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream())
        .map(Container::getImage)
        .filter(i -> i != null)
        .toList();
  }
}
