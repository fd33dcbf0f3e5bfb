package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the quorum guard decides a pod delete or eviction on: the pod as the request names it, its
 * StatefulSet, the set's members as the API server has them now, and the members other allowed
 * disruptions still hold. Gathering it is I/O (the {@code ledger} package does it); deciding on it
 * is not.
 *
 * @param pod the pod being deleted or evicted: the review's {@code oldObject}, or for an eviction
 *     the live pod
 * @param set the StatefulSet that controls the pod
 * @param members the set's pods, read live for this decision (the pod itself included, when it
 *     still exists)
 * @param reserved the UIDs of pods whose delete or eviction was already allowed and is still held
 *     in the disruption ledger
 * @param eviction true for a {@code pods/eviction} CREATE, false for a Pod DELETE
 */
public record PodDisruption(
    Pod pod, StatefulSet set, List<Pod> members, Set<String> reserved, boolean eviction) {

  /** The label the StatefulSet controller sets to each pod's name. */
  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  public PodDisruption {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(set, "set");
    members = List.copyOf(members);
    reserved = Set.copyOf(reserved);
  }

  /** The pod's UID; empty when it has none. */
  public String podUid() {
    return uid(pod);
  }

  /** The live copy of the pod (same name and UID), or empty when it is gone or was replaced. */
  public Optional<Pod> livePod() {
    String uid = podUid();
    String name = pod.getMetadata().getName();
    return members.stream()
        .filter(p -> name.equals(p.getMetadata().getName()) && uid.equals(uid(p)))
        .findFirst();
  }

  /** The name of the StatefulSet that controls {@code pod}, if one does. */
  public static Optional<String> owningStatefulSet(Pod pod) {
    List<OwnerReference> owners =
        pod.getMetadata() == null ? null : pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Optional.empty();
    }
    return owners.stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        .filter(o -> "StatefulSet".equals(o.getKind()) && o.getApiVersion() != null)
        .filter(o -> o.getApiVersion().startsWith("apps/"))
        .map(OwnerReference::getName)
        .filter(n -> n != null && !n.isEmpty())
        .findFirst();
  }

  /** Whether the pod's {@code Ready} condition is {@code True}. */
  public static boolean isReady(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  /** Whether the pod is already being deleted ({@code metadata.deletionTimestamp} set). */
  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null;
  }

  /**
   * The pod's ordinal in its set: the {@code apps.kubernetes.io/pod-index} label, else the number
   * after the last dash of its name; -1 when neither gives one.
   */
  public static int ordinal(Pod pod) {
    var meta = pod.getMetadata();
    if (meta == null) {
      return -1;
    }
    String index = meta.getLabels() == null ? null : meta.getLabels().get(POD_INDEX_LABEL);
    if (index != null) {
      return parse(index);
    }
    String name = meta.getName();
    if (name == null || name.lastIndexOf('-') < 0) {
      return -1;
    }
    return parse(name.substring(name.lastIndexOf('-') + 1));
  }

  /** The label the StatefulSet controller sets to each pod's ordinal (Kubernetes 1.28 and on). */
  public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

  private static int parse(String digits) {
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Integer.parseInt(digits);
  }

  /** The pod's UID, or empty. */
  public static String uid(Pod pod) {
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    return uid == null ? "" : uid;
  }

  /** The set's {@code spec.replicas} (1 when unset, as the API server defaults it). */
  public int replicas() {
    Integer r = set.getSpec() == null ? null : set.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  /**
   * The members that count toward the quorum now: Ready, not terminating, ordinal below {@code
   * spec.replicas}, and not held by an allowed disruption.
   */
  public List<Pod> standing() {
    int replicas = replicas();
    return members.stream()
        .filter(PodDisruption::isReady)
        .filter(p -> !isTerminating(p))
        .filter(p -> ordinal(p) >= 0 && ordinal(p) < replicas)
        .filter(p -> !reserved.contains(uid(p)))
        .toList();
  }
}
