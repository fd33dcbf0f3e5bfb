package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet as the cache holds it: the fields {@link Slim#statefulSet} keeps, in one object and
 * a few string arrays instead of the twenty-odd objects of a slim fabric8 {@link StatefulSet} (set,
 * metadata, spec, selector, template, its metadata and pod spec, containers, claim templates with
 * their metadata and specs, retention policy, status, their maps and lists): about 0.3 KB a set
 * instead of 1.3 KB. Strings that repeat across sets (namespace, label keys and values, images,
 * policies, classes) are interned.
 *
 * <p>{@link #toStatefulSet} gives back the slim set, built anew on each read: a rule that changed
 * what it was given could not change the cache. Immutable.
 */
final class PackedStatefulSet {

  private static final String[] NONE = Packed.NONE;

  private final String name;
  private final String namespace;
  private final String uid;
  private final String resourceVersion;
  private final Long generation;
  private final String deletionTimestamp;
  private final String[] labels;
  private final Map<String, String> annotations;
  // The controller owner reference (operators own their sets): apiVersion, kind, name, uid.
  private final String[] owner;

  private final boolean hasSpec;
  private final Integer replicas;
  private final String serviceName;
  private final String podManagementPolicy;
  private final Packed.Selector selector;
  private final boolean hasTemplate;
  private final String[] templateLabels;
  private final boolean hasPodSpec;
  // Name and image of each container, alternating.
  private final String[] containers;
  private final String[] initContainers;
  private final boolean hasRetention;
  private final String whenDeleted;
  private final String whenScaled;
  // Per claim template: name, beta class annotation, storageClassName, and "spec" or null
  // (whether it had a spec), four entries each.
  private final String[] claims;

  private final boolean hasStatus;
  private final Integer statusReplicas;
  private final Integer readyReplicas;
  private final Integer availableReplicas;
  private final Integer currentReplicas;
  private final Integer updatedReplicas;
  private final Long observedGeneration;

  private PackedStatefulSet(StatefulSet in) {
    ObjectMeta meta = in.getMetadata() == null ? new ObjectMeta() : in.getMetadata();
    name = meta.getName();
    namespace = Slim.intern(meta.getNamespace());
    uid = meta.getUid();
    resourceVersion = meta.getResourceVersion();
    generation = meta.getGeneration();
    deletionTimestamp = meta.getDeletionTimestamp();
    labels = Packed.pairs(meta.getLabels());
    annotations = Slim.ownAnnotations(meta.getAnnotations());
    owner = owner(meta.getOwnerReferences());

    StatefulSetSpec spec = in.getSpec();
    hasSpec = spec != null;
    replicas = spec == null ? null : spec.getReplicas();
    serviceName = spec == null ? null : spec.getServiceName();
    podManagementPolicy = spec == null ? null : Slim.intern(spec.getPodManagementPolicy());
    selector = spec == null ? null : Packed.Selector.of(spec.getSelector());
    PodTemplateSpec template = spec == null ? null : spec.getTemplate();
    hasTemplate = template != null;
    templateLabels =
        template == null || template.getMetadata() == null
            ? NONE
            : Packed.pairs(template.getMetadata().getLabels());
    PodSpec podSpec = template == null ? null : template.getSpec();
    hasPodSpec = podSpec != null;
    containers = podSpec == null ? NONE : containers(podSpec.getContainers());
    initContainers = podSpec == null ? NONE : containers(podSpec.getInitContainers());
    StatefulSetPersistentVolumeClaimRetentionPolicy retention =
        spec == null ? null : spec.getPersistentVolumeClaimRetentionPolicy();
    hasRetention = retention != null;
    whenDeleted = retention == null ? null : Slim.intern(retention.getWhenDeleted());
    whenScaled = retention == null ? null : Slim.intern(retention.getWhenScaled());
    claims = spec == null ? NONE : claims(spec.getVolumeClaimTemplates());

    StatefulSetStatus status = in.getStatus();
    hasStatus = status != null;
    statusReplicas = status == null ? null : status.getReplicas();
    readyReplicas = status == null ? null : status.getReadyReplicas();
    availableReplicas = status == null ? null : status.getAvailableReplicas();
    currentReplicas = status == null ? null : status.getCurrentReplicas();
    updatedReplicas = status == null ? null : status.getUpdatedReplicas();
    observedGeneration = status == null ? null : status.getObservedGeneration();
  }

  /** The packed form of a set as listed or watched; {@code in} is not kept. */
  static PackedStatefulSet of(StatefulSet in) {
    return new PackedStatefulSet(in);
  }

  /** The slim set (see {@link Slim#statefulSet}), a new object on each call. */
  StatefulSet toStatefulSet() {
    StatefulSet out = new StatefulSet();
    out.setAdditionalProperties(Map.of());
    ObjectMeta meta = Slim.emptyMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    meta.setUid(uid);
    meta.setResourceVersion(resourceVersion);
    meta.setGeneration(generation);
    meta.setDeletionTimestamp(deletionTimestamp);
    meta.setLabels(Packed.map(labels));
    meta.setAnnotations(annotations);
    if (owner != null) {
      meta.setOwnerReferences(Packed.controllerReference(owner[0], owner[1], owner[2], owner[3]));
    }
    out.setMetadata(meta);
    if (hasSpec) {
      StatefulSetSpec s = new StatefulSetSpec();
      s.setAdditionalProperties(Map.of());
      s.setReplicas(replicas);
      s.setServiceName(serviceName);
      s.setPodManagementPolicy(podManagementPolicy);
      s.setSelector(selector == null ? null : selector.toSelector());
      s.setTemplate(template());
      if (hasRetention) {
        StatefulSetPersistentVolumeClaimRetentionPolicy r =
            new StatefulSetPersistentVolumeClaimRetentionPolicy();
        r.setAdditionalProperties(Map.of());
        r.setWhenDeleted(whenDeleted);
        r.setWhenScaled(whenScaled);
        s.setPersistentVolumeClaimRetentionPolicy(r);
      }
      s.setVolumeClaimTemplates(claimTemplates());
      out.setSpec(s);
    }
    if (hasStatus) {
      StatefulSetStatus s = new StatefulSetStatus();
      s.setAdditionalProperties(Map.of());
      s.setConditions(List.of());
      s.setReplicas(statusReplicas);
      s.setReadyReplicas(readyReplicas);
      s.setAvailableReplicas(availableReplicas);
      s.setCurrentReplicas(currentReplicas);
      s.setUpdatedReplicas(updatedReplicas);
      s.setObservedGeneration(observedGeneration);
      out.setStatus(s);
    }
    return out;
  }

  private PodTemplateSpec template() {
    if (!hasTemplate) {
      return null;
    }
    PodTemplateSpec out = new PodTemplateSpec();
    out.setAdditionalProperties(Map.of());
    ObjectMeta meta = Slim.emptyMeta();
    meta.setLabels(Packed.map(templateLabels));
    out.setMetadata(meta);
    if (hasPodSpec) {
      PodSpec spec = Slim.emptyPodSpec();
      spec.setContainers(containerList(containers));
      spec.setInitContainers(containerList(initContainers));
      out.setSpec(spec);
    }
    return out;
  }

  private List<PersistentVolumeClaim> claimTemplates() {
    if (claims.length == 0) {
      return List.of();
    }
    List<PersistentVolumeClaim> out = new ArrayList<>(claims.length / 4);
    for (int i = 0; i < claims.length; i += 4) {
      PersistentVolumeClaim claim = new PersistentVolumeClaim();
      claim.setAdditionalProperties(Map.of());
      ObjectMeta meta = Slim.emptyMeta();
      meta.setName(claims[i]);
      if (claims[i + 1] != null) {
        meta.setAnnotations(Map.of(Slim.BETA_CLASS, claims[i + 1]));
      }
      claim.setMetadata(meta);
      if (claims[i + 3] != null) {
        PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();
        spec.setAdditionalProperties(Map.of());
        spec.setAccessModes(List.of());
        spec.setStorageClassName(claims[i + 2]);
        claim.setSpec(spec);
      }
      out.add(claim);
    }
    return List.copyOf(out);
  }

  /** The controller owner reference, interned: apiVersion, kind, name, uid; or null. */
  private static String[] owner(List<OwnerReference> in) {
    OwnerReference ref = Packed.controller(in);
    return ref == null
        ? null
        : new String[] {
          Slim.intern(ref.getApiVersion()),
          Slim.intern(ref.getKind()),
          Slim.intern(ref.getName()),
          Slim.intern(ref.getUid())
        };
  }

  private static String[] containers(List<Container> in) {
    if (in == null || in.isEmpty()) {
      return NONE;
    }
    List<String> out = new ArrayList<>(in.size() * 2);
    for (Container c : in) {
      if (c != null) {
        out.add(Slim.intern(c.getName()));
        out.add(Slim.intern(c.getImage()));
      }
    }
    return out.toArray(NONE);
  }

  private static List<Container> containerList(String[] packed) {
    if (packed.length == 0) {
      return List.of();
    }
    List<Container> out = new ArrayList<>(packed.length / 2);
    for (int i = 0; i < packed.length; i += 2) {
      Container c = new Container();
      c.setAdditionalProperties(Map.of());
      c.setArgs(List.of());
      c.setCommand(List.of());
      c.setEnv(List.of());
      c.setEnvFrom(List.of());
      c.setPorts(List.of());
      c.setResizePolicy(List.of());
      c.setRestartPolicyRules(List.of());
      c.setVolumeDevices(List.of());
      c.setVolumeMounts(List.of());
      c.setName(packed[i]);
      c.setImage(packed[i + 1]);
      out.add(c);
    }
    return List.copyOf(out);
  }

  /** Each claim template's name and StorageClass (by field or by the beta annotation) only. */
  private static String[] claims(List<PersistentVolumeClaim> in) {
    if (in == null || in.isEmpty()) {
      return NONE;
    }
    List<String> out = new ArrayList<>(in.size() * 4);
    for (PersistentVolumeClaim t : in) {
      if (t == null) {
        continue;
      }
      Map<String, String> annotations =
          t.getMetadata() == null ? null : t.getMetadata().getAnnotations();
      out.add(t.getMetadata() == null ? null : Slim.intern(t.getMetadata().getName()));
      out.add(annotations == null ? null : Slim.intern(annotations.get(Slim.BETA_CLASS)));
      out.add(t.getSpec() == null ? null : Slim.intern(t.getSpec().getStorageClassName()));
      out.add(t.getSpec() == null ? null : "spec");
    }
    return out.toArray(NONE);
  }
}
