package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet pod as the pod cache holds it: the fields {@link Slim#pod} keeps, in one small
 * object instead of the seven a fabric8 {@link Pod} needs for them (pod, metadata, spec, status,
 * conditions, owner reference, their lists and maps), most of which are the same for every pod. The
 * cache of a large cluster is mostly pods (50,000 beside 10,000 StatefulSets), so this is where the
 * cache's memory goes: about 0.4 KB a pod packed, against 1.1 KB as a slim {@link Pod}.
 *
 * <p>{@link #toPod} gives back the slim {@link Pod}, built anew on each call (the cache reads pods
 * rarely: a StatefulSet's members when a rule asks for them; and once a whole list after each list
 * of the API server, when the informer looks for objects that have gone, which is why the slim pod
 * has no {@code spec}: 50,000 empty pod specs at once would be 10 MB for nothing). Strings that
 * repeat across pods (namespace, label keys and values, owner, phase, condition statuses) are
 * interned; the pod's own name is kept once, shared by its {@code
 * statefulset.kubernetes.io/pod-name} label. Immutable.
 */
final class PackedPod {

  private static final String[] NO_LABELS = Packed.NONE;

  private final String name;
  private final String namespace;
  // The resource version as a number when it is one (the API server's are; they are opaque by
  // contract, so any other is kept as it is): a long instead of a string of 48 bytes.
  private final long version;
  private final String otherVersion;
  private final Long generation;
  private final String deletionTimestamp;
  // Keys and values, alternating.
  private final String[] labels;
  private final Map<String, String> annotations;
  // The controller owner reference (kind, name, uid), null when the pod has none.
  private final String ownerApiVersion;
  private final String ownerKind;
  private final String ownerName;
  private final String ownerUid;
  private final boolean hasStatus;
  private final String phase;
  // The status of each kept condition, null when the pod has none of that type.
  private final String ready;
  private final String disruptionTarget;

  private PackedPod(Pod in) {
    ObjectMeta meta = in.getMetadata();
    if (meta == null) {
      name = null;
      namespace = null;
      version = -1;
      otherVersion = null;
      generation = null;
      deletionTimestamp = null;
      labels = NO_LABELS;
      annotations = Map.of();
      ownerApiVersion = null;
      ownerKind = null;
      ownerName = null;
      ownerUid = null;
    } else {
      name = meta.getName();
      namespace = Slim.intern(meta.getNamespace());
      long number = number(meta.getResourceVersion());
      version = number;
      otherVersion = number < 0 ? meta.getResourceVersion() : null;
      generation = meta.getGeneration();
      deletionTimestamp = meta.getDeletionTimestamp();
      labels = labels(meta.getLabels(), name);
      annotations = Slim.ownAnnotations(meta.getAnnotations());
      // The first reference that names a controller (the API server allows only one), its
      // strings interned: the pods of a set share them.
      OwnerReference owner = Packed.controller(meta.getOwnerReferences());
      ownerApiVersion = owner == null ? null : Slim.intern(owner.getApiVersion());
      ownerKind = owner == null ? null : Slim.intern(owner.getKind());
      ownerName = owner == null ? null : Slim.intern(owner.getName());
      ownerUid = owner == null ? null : Slim.intern(owner.getUid());
    }
    PodStatus status = in.getStatus();
    hasStatus = status != null;
    phase = status == null ? null : Slim.intern(status.getPhase());
    ready = condition(status, "Ready");
    disruptionTarget = condition(status, "DisruptionTarget");
  }

  /** The packed form of a pod as listed or watched; {@code in} is not kept. */
  static PackedPod of(Pod in) {
    return new PackedPod(in);
  }

  /** The slim pod (see {@link Slim#pod}), a new object on each call. */
  Pod toPod() {
    Pod out = new Pod();
    out.setAdditionalProperties(Map.of());
    ObjectMeta meta = Slim.emptyMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    meta.setResourceVersion(version < 0 ? otherVersion : Long.toString(version));
    meta.setGeneration(generation);
    meta.setDeletionTimestamp(deletionTimestamp);
    meta.setLabels(Packed.map(labels));
    meta.setAnnotations(annotations);
    meta.setOwnerReferences(
        Packed.controllerReference(ownerApiVersion, ownerKind, ownerName, ownerUid));
    out.setMetadata(meta);
    if (hasStatus) {
      PodStatus status = Slim.emptyPodStatus();
      status.setPhase(phase);
      List<PodCondition> conditions = new ArrayList<>(2);
      if (ready != null) {
        conditions.add(condition("Ready", ready));
      }
      if (disruptionTarget != null) {
        conditions.add(condition("DisruptionTarget", disruptionTarget));
      }
      status.setConditions(List.copyOf(conditions));
      out.setStatus(status);
    }
    return out;
  }

  /** The decimal number {@code text} is (no sign, no leading zero), or -1. */
  static long number(String text) {
    if (text == null || text.isEmpty() || text.length() > 18) {
      return -1;
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static String[] labels(Map<String, String> in, String name) {
    if (in == null || in.isEmpty()) {
      return NO_LABELS;
    }
    List<String> out = new ArrayList<>(in.size() * 2);
    in.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            out.add(Slim.intern(k));
            // The pod's own name: unique, so not interned, but the same string as the name.
            boolean own = k.equals(Slim.POD_NAME_LABEL);
            out.add(own ? (v.equals(name) ? name : v) : Slim.intern(v));
          }
        });
    return out.toArray(NO_LABELS);
  }

  private static String condition(PodStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (PodCondition c : status.getConditions()) {
      if (c != null && type.equals(c.getType())) {
        return c.getStatus() == null ? "" : Slim.intern(c.getStatus());
      }
    }
    return null;
  }

  private static PodCondition condition(String type, String status) {
    PodCondition c = new PodCondition();
    c.setAdditionalProperties(Map.of());
    c.setType(type);
    c.setStatus(status.isEmpty() ? null : status);
    return c;
  }
}
