package io.stateguard.policy.mutations;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationContext;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import java.util.List;
import java.util.Objects;

/**
 * {@code pvc-retention}: gives a set that has not chosen what happens to its members' claims the
 * retention policy its policy asks for.
 *
 * <p>The API server fills in Retain/Retain before any webhook runs, so a set that chose nothing
 * cannot be told from one that chose Retain/Retain by its fields. A set counts as having chosen
 * when its retention policy is anything but Retain/Retain, when it names this mutation in the
 * {@value Mutation#EXPLICIT_ANNOTATION} annotation (the engine leaves it alone then), or, on
 * UPDATE, when the request changes the retention policy. Both fields are set together or not at
 * all: someone who chose one of them has thought about the other.
 */
final class PvcRetentionMutation implements Mutation {

  static final String RETAIN = "Retain";
  static final String DELETE = "Delete";

  private static final MutationInfo INFO =
      new MutationInfo(
          "pvc-retention",
          "Sets persistentVolumeClaimRetentionPolicy on sets that have not chosen one",
          "The API server gives every set that says nothing whenDeleted: Retain and whenScaled:"
              + " Retain: claims outlive the set and its removed members. For workloads whose data"
              + " can be rebuilt, the claims of members removed by a scale-down are orphans that"
              + " keep costing money and hand stale data to the next member at that ordinal. This"
              + " mutation sets both fields to what the policy says, on sets that have"
              + " volumeClaimTemplates and still have the API default Retain/Retain; a set that"
              + " chose Retain/Retain on purpose says so with the annotation stateguard.io/explicit:"
              + " pvc-retention. It never changes a retention policy that is not the default. The"
              + " field is not part of the pod template: changing it restarts no pod.",
          false,
          List.of(
              ParamSpec.oneOf(
                  "whenDeleted",
                  RETAIN,
                  List.of(RETAIN, DELETE),
                  "What happens to the claims when the set is deleted. Delete destroys the data"
                      + " with the set: the pvc-retention rule then asks for declared backups."),
              ParamSpec.oneOf(
                  "whenScaled",
                  DELETE,
                  List.of(RETAIN, DELETE),
                  "What happens to the claims of members removed by a scale-down.")));

  @Override
  public MutationInfo info() {
    return INFO;
  }

  @Override
  public void apply(MutationContext ctx) {
    StatefulSet set = ctx.statefulSet();
    if (set.getSpec() == null
        || set.getSpec().getVolumeClaimTemplates() == null
        || set.getSpec().getVolumeClaimTemplates().isEmpty()) {
      return;
    }
    StatefulSetPersistentVolumeClaimRetentionPolicy current =
        set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    if (!isApiDefault(current)) {
      return;
    }
    boolean changedByRequest =
        ctx.oldStatefulSet()
            .map(StatefulSet::getSpec)
            .map(old -> !sameChoice(old.getPersistentVolumeClaimRetentionPolicy(), current))
            .orElse(false);
    if (changedByRequest) {
      return;
    }
    String whenDeleted = ctx.params().string("whenDeleted");
    String whenScaled = ctx.params().string("whenScaled");
    if (whenDeleted.equals(RETAIN) && whenScaled.equals(RETAIN)) {
      return;
    }
    if (current == null) {
      set.getSpec()
          .setPersistentVolumeClaimRetentionPolicy(
              new StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted, whenScaled));
    } else {
      current.setWhenDeleted(whenDeleted);
      current.setWhenScaled(whenScaled);
    }
  }

  /** Retain/Retain, or absent (a manifest before the API server defaulted it). */
  private static boolean isApiDefault(StatefulSetPersistentVolumeClaimRetentionPolicy policy) {
    return RETAIN.equals(whenDeleted(policy)) && RETAIN.equals(whenScaled(policy));
  }

  private static boolean sameChoice(
      StatefulSetPersistentVolumeClaimRetentionPolicy a,
      StatefulSetPersistentVolumeClaimRetentionPolicy b) {
    return Objects.equals(whenDeleted(a), whenDeleted(b))
        && Objects.equals(whenScaled(a), whenScaled(b));
  }

  private static String whenDeleted(StatefulSetPersistentVolumeClaimRetentionPolicy policy) {
    return policy == null || policy.getWhenDeleted() == null ? RETAIN : policy.getWhenDeleted();
  }

  private static String whenScaled(StatefulSetPersistentVolumeClaimRetentionPolicy policy) {
    return policy == null || policy.getWhenScaled() == null ? RETAIN : policy.getWhenScaled();
  }
}
