package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads StatefulSet fields as the API server and the StatefulSet controller understand them: a
 * field that is unset reads as its API default, so rules give the same answer on a raw manifest as
 * on the defaulted object a webhook receives, and never trip over a missing part of the spec.
 */
final class StatefulSetFields {

  static final String ORDERED_READY = "OrderedReady";
  static final String PARALLEL = "Parallel";
  static final String ROLLING_UPDATE = "RollingUpdate";
  static final String ON_DELETE = "OnDelete";

  /** The API default of {@code terminationGracePeriodSeconds}. */
  static final long DEFAULT_GRACE_PERIOD_SECONDS = 30;

  private StatefulSetFields() {}

  /** {@code spec.replicas}; 1 when unset, as the API server defaults it. */
  static int replicas(StatefulSet set) {
    StatefulSetSpec spec = set.getSpec();
    return spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
  }

  /** {@code spec.podManagementPolicy}; {@value #ORDERED_READY} when unset. */
  static String podManagementPolicy(StatefulSet set) {
    StatefulSetSpec spec = set.getSpec();
    return spec == null || spec.getPodManagementPolicy() == null
        ? ORDERED_READY
        : spec.getPodManagementPolicy();
  }

  /** {@code spec.updateStrategy.type}; {@value #ROLLING_UPDATE} when unset. */
  static String updateStrategyType(StatefulSet set) {
    StatefulSetUpdateStrategy strategy = updateStrategy(set);
    return strategy == null || strategy.getType() == null ? ROLLING_UPDATE : strategy.getType();
  }

  /** Whether the set rolls its pods itself ({@code RollingUpdate}, the default). */
  static boolean rollingUpdate(StatefulSet set) {
    return ROLLING_UPDATE.equals(updateStrategyType(set));
  }

  /** {@code spec.updateStrategy.rollingUpdate.partition}; 0 when unset. */
  static int partition(StatefulSet set) {
    RollingUpdateStatefulSetStrategy rolling = rollingUpdateStrategy(set);
    return rolling == null || rolling.getPartition() == null ? 0 : rolling.getPartition();
  }

  /** {@code spec.updateStrategy.rollingUpdate.maxUnavailable}, when set. */
  static Optional<IntOrString> maxUnavailable(StatefulSet set) {
    RollingUpdateStatefulSetStrategy rolling = rollingUpdateStrategy(set);
    return rolling == null ? Optional.empty() : Optional.ofNullable(rolling.getMaxUnavailable());
  }

  /**
   * How many pods the StatefulSet controller takes down at once for {@code maxUnavailable} and
   * {@code replicas}: a whole number as it is; a percentage of the replicas rounded <em>down</em>
   * (unlike a PodDisruptionBudget's, which rounds up); never less than 1. Empty when the value is
   * neither a whole number nor a percentage: the API server rejects such a set, so no rule has
   * anything to add about it.
   */
  static OptionalInt scaledMaxUnavailable(IntOrString maxUnavailable, int replicas) {
    if (maxUnavailable.getIntVal() != null) {
      return OptionalInt.of(Math.max(1, maxUnavailable.getIntVal()));
    }
    String text = maxUnavailable.getStrVal();
    if (text == null || !text.endsWith("%")) {
      return OptionalInt.empty();
    }
    int percent;
    try {
      percent = Integer.parseInt(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
    // Integer arithmetic floors exactly as the controller's math.Floor does for these ranges.
    return OptionalInt.of(Math.max(1, (int) ((long) percent * replicas / 100)));
  }

  /** The pod template's spec, when the set has one. */
  static Optional<PodSpec> podSpec(StatefulSet set) {
    StatefulSetSpec spec = set.getSpec();
    if (spec == null || spec.getTemplate() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(spec.getTemplate().getSpec());
  }

  /** The pod template's {@code terminationGracePeriodSeconds}; 30 when unset. */
  static long terminationGracePeriodSeconds(StatefulSet set) {
    return podSpec(set)
        .map(PodSpec::getTerminationGracePeriodSeconds)
        .orElse(DEFAULT_GRACE_PERIOD_SECONDS);
  }

  /** The pod template's containers (not init containers); never null. */
  static List<Container> containers(StatefulSet set) {
    return podSpec(set).map(PodSpec::getContainers).orElse(List.of());
  }

  /** The pod template's init containers, sidecars included; never null. */
  static List<Container> initContainers(StatefulSet set) {
    return podSpec(set).map(PodSpec::getInitContainers).orElse(List.of());
  }

  /**
   * Whether an init container is a sidecar ({@code restartPolicy: Always}): it keeps running beside
   * the main containers and counts towards the pod's readiness.
   */
  static boolean isSidecar(Container initContainer) {
    return "Always".equals(initContainer.getRestartPolicy());
  }

  /** {@code 1 failure}, {@code 2 failures}. */
  static String count(long n, String singular) {
    return n + " " + (n == 1 ? singular : singular + "s");
  }

  private static StatefulSetUpdateStrategy updateStrategy(StatefulSet set) {
    return set.getSpec() == null ? null : set.getSpec().getUpdateStrategy();
  }

  private static RollingUpdateStatefulSetStrategy rollingUpdateStrategy(StatefulSet set) {
    StatefulSetUpdateStrategy strategy = updateStrategy(set);
    return strategy == null ? null : strategy.getRollingUpdate();
  }
}
