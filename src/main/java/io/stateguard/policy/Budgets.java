package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import java.util.OptionalInt;

/**
 * PodDisruptionBudget arithmetic exactly as the disruption controller does it: percentages of
 * {@code minAvailable} and {@code maxUnavailable} are scaled against the expected pod count and
 * rounded up.
 */
public final class Budgets {

  private Budgets() {}

  /**
   * Scales an int-or-percent against {@code total} as {@code intstr.GetScaledValueFromIntOrPercent}
   * does with rounding up.
   *
   * @throws IllegalArgumentException when the value is neither a whole number nor a percentage
   */
  public static int scaled(IntOrString value, int total) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String s = value.getStrVal();
    if (s == null || !s.endsWith("%")) {
      throw new IllegalArgumentException("'" + s + "' is neither a number nor a percentage");
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a valid percentage", e);
    }
    return (int) Math.ceil(percent * (double) total / 100.0);
  }

  /**
   * The number of healthy pods the budget insists on when {@code expected} pods are expected; empty
   * when the spec sets neither field. The API server accepts such a budget (it only rejects both
   * fields set), and the disruption controller then expects no pods and allows no disruption.
   */
  public static OptionalInt desiredHealthy(PodDisruptionBudget pdb, int expected) {
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    if (spec == null) {
      return OptionalInt.empty();
    }
    if (spec.getMaxUnavailable() != null) {
      int maxUnavailable = scaled(spec.getMaxUnavailable(), expected);
      return OptionalInt.of(Math.max(0, expected - maxUnavailable));
    }
    if (spec.getMinAvailable() != null) {
      return OptionalInt.of(scaled(spec.getMinAvailable(), expected));
    }
    return OptionalInt.empty();
  }

  /**
   * How many pods may be disrupted at once when all {@code expected} pods are healthy; empty when
   * the spec sets neither field, which the controller treats as allowing none (see {@link
   * #desiredHealthy}).
   */
  public static OptionalInt allowedDisruptions(PodDisruptionBudget pdb, int expected) {
    OptionalInt desired = desiredHealthy(pdb, expected);
    return desired.isPresent()
        ? OptionalInt.of(Math.max(0, expected - desired.getAsInt()))
        : OptionalInt.empty();
  }

  /** The budget's own words: {@code minAvailable: 2} or {@code maxUnavailable: 50%}. */
  public static String describe(PodDisruptionBudget pdb) {
    PodDisruptionBudgetSpec spec = pdb.getSpec();
    if (spec == null) {
      return "no spec";
    }
    if (spec.getMaxUnavailable() != null) {
      return "maxUnavailable: " + text(spec.getMaxUnavailable());
    }
    if (spec.getMinAvailable() != null) {
      return "minAvailable: " + text(spec.getMinAvailable());
    }
    return "neither minAvailable nor maxUnavailable";
  }

  private static String text(IntOrString v) {
    return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }
}
