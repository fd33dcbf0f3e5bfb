package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One container of a StatefulSet's pod template, with the words and the field path that messages
 * use for it ({@code init container chown}, {@code spec.template.spec.initContainers[chown]}).
 *
 * @param init whether it is an init container
 * @param index its position in its list (names it when it has no name)
 * @param container the container itself
 */
record TemplateContainer(boolean init, int index, Container container) {

  /** The pod spec of the set's template, when the set has one. */
  static Optional<PodSpec> podSpec(StatefulSet set) {
    if (set.getSpec() == null || set.getSpec().getTemplate() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(set.getSpec().getTemplate().getSpec());
  }

  /** The replicas the set asks for; the API server's default of 1 when it sets none. */
  static int replicas(StatefulSet set) {
    return set.getSpec() == null || set.getSpec().getReplicas() == null
        ? 1
        : set.getSpec().getReplicas();
  }

  /** Every container of the template: init containers first, in the order they run. */
  static List<TemplateContainer> all(StatefulSet set) {
    List<TemplateContainer> all = new ArrayList<>();
    podSpec(set)
        .ifPresent(
            spec -> {
              add(all, true, spec.getInitContainers());
              add(all, false, spec.getContainers());
            });
    return all;
  }

  private static void add(List<TemplateContainer> all, boolean init, List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      if (containers.get(i) != null) {
        all.add(new TemplateContainer(init, i, containers.get(i)));
      }
    }
  }

  /** Its name, or {@code #index} for a container without one. */
  String name() {
    String name = container.getName();
    return name == null || name.isBlank() ? "#" + index : name;
  }

  /**
   * Whether it runs for the pod's whole life: a regular container, or a native sidecar (an init
   * container with {@code restartPolicy: Always}).
   */
  boolean longRunning() {
    return !init || "Always".equals(container.getRestartPolicy());
  }

  /** As messages name it: {@code container db}, {@code init container chown}. */
  String describe() {
    return (init ? "init container " : "container ") + name();
  }

  /** Its field path: {@code spec.template.spec.containers[db]}. */
  String field() {
    return "spec.template.spec."
        + (init ? "initContainers" : "containers")
        + "["
        + (container.getName() == null || container.getName().isBlank()
            ? Integer.toString(index)
            : container.getName())
        + "]";
  }
}
