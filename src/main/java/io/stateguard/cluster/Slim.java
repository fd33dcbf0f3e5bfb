package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The slim copies the informer caches keep: only the fields the rules (and the quorum guard) read,
 * in immutable collections, with the strings many objects share (namespaces, label keys and values,
 * images) interned. An API object as listed carries {@code managedFields}, the last-applied
 * annotation, the full pod spec and container statuses: several kilobytes each, none of which a
 * rule reads; 50,000 pods of that kind would not fit in a small webhook.
 *
 * <p>What is kept, by kind (and why):
 *
 * <ul>
 *   <li>every kind: {@code metadata.name}, {@code namespace}, {@code uid}, {@code resourceVersion},
 *       {@code generation}, {@code labels} (selection and policy matching), and the annotations
 *       under {@code stateguard.io/} (break-glass and explicit choices); never {@code
 *       managedFields} or other annotations;
 *   <li>StatefulSet: {@code spec.replicas}, {@code selector}, {@code serviceName}, {@code
 *       podManagementPolicy}, the pod template's labels and its containers' and init containers'
 *       names and images (PDB selection, replica counts, policy matching and workload
 *       classification by image), {@code persistentVolumeClaimRetentionPolicy}, each claim
 *       template's name, {@code storageClassName} and {@value #BETA_CLASS} annotation (what a
 *       change of replicas through the {@code scale} subresource, judged against this copy, does to
 *       the members' volumes: {@code scale-down}, {@code storage-class}), and the replica counts of
 *       {@code status};
 *   <li>PodDisruptionBudget: the whole {@code spec} ({@code selector}, {@code minAvailable}, {@code
 *       maxUnavailable}, {@code unhealthyPodEvictionPolicy}), and the counts of {@code status}
 *       without its conditions;
 *   <li>Service: {@code spec.clusterIP}, {@code type}, {@code selector} and {@code
 *       publishNotReadyAddresses} (is it headless, does it select the set's pods);
 *   <li>StorageClass: {@code provisioner}, {@code allowVolumeExpansion}, {@code reclaimPolicy},
 *       {@code volumeBindingMode} and the default-class annotation;
 *   <li>Pod: the owner reference that names a controller, {@code deletionTimestamp}, {@code
 *       status.phase} and the {@code Ready} and {@code DisruptionTarget} conditions (type and
 *       status): who owns a member, is it ready, is it already going; neither {@code spec} nor
 *       {@code uid} (nothing reads them from the cache: the quorum guard reads the pods it judges
 *       from the API server).
 * </ul>
 *
 * <p>Each function builds a new object from a freshly deserialized one; the input is not kept.
 * Stateless and thread-safe.
 */
final class Slim {

  /** Annotations kept on every kind: stateguard's own. */
  static final String OWN_ANNOTATIONS = "stateguard.io/";

  /** The StorageClass annotation that marks the cluster's default class. */
  static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

  /** The beta form of {@link #DEFAULT_CLASS}, still honoured by the API server. */
  static final String BETA_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";

  /** The annotation that named a claim template's StorageClass before {@code storageClassName}. */
  static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

  /** The pod condition types kept. */
  static final Set<String> POD_CONDITIONS = Set.of("Ready", "DisruptionTarget");

  /** Label of a StatefulSet's pods whose value is the pod's own name: unique, never interned. */
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  private Slim() {}

  /**
   * The slim set; the cache keeps it packed ({@link PackedStatefulSet}), which gives back the same.
   */
  static StatefulSet statefulSet(StatefulSet in) {
    return PackedStatefulSet.of(in).toStatefulSet();
  }

  static PodDisruptionBudget podDisruptionBudget(PodDisruptionBudget in) {
    PodDisruptionBudget out = new PodDisruptionBudget();
    out.setAdditionalProperties(Map.of());
    out.setMetadata(meta(in.getMetadata(), a -> a.startsWith(OWN_ANNOTATIONS)));
    PodDisruptionBudgetSpec spec = in.getSpec();
    if (spec != null) {
      PodDisruptionBudgetSpec s = new PodDisruptionBudgetSpec();
      s.setAdditionalProperties(Map.of());
      s.setSelector(selector(spec.getSelector()));
      s.setMinAvailable(spec.getMinAvailable());
      s.setMaxUnavailable(spec.getMaxUnavailable());
      s.setUnhealthyPodEvictionPolicy(intern(spec.getUnhealthyPodEvictionPolicy()));
      out.setSpec(s);
    }
    PodDisruptionBudgetStatus status = in.getStatus();
    if (status != null) {
      PodDisruptionBudgetStatus s = new PodDisruptionBudgetStatus();
      s.setAdditionalProperties(Map.of());
      s.setConditions(List.of());
      s.setDisruptedPods(Map.of());
      s.setCurrentHealthy(status.getCurrentHealthy());
      s.setDesiredHealthy(status.getDesiredHealthy());
      s.setDisruptionsAllowed(status.getDisruptionsAllowed());
      s.setExpectedPods(status.getExpectedPods());
      s.setObservedGeneration(status.getObservedGeneration());
      out.setStatus(s);
    }
    return out;
  }

  static Service service(Service in) {
    Service out = new Service();
    out.setAdditionalProperties(Map.of());
    out.setMetadata(meta(in.getMetadata(), a -> a.startsWith(OWN_ANNOTATIONS)));
    ServiceSpec spec = in.getSpec();
    if (spec != null) {
      ServiceSpec s = new ServiceSpec();
      s.setAdditionalProperties(Map.of());
      s.setClusterIPs(List.of());
      s.setExternalIPs(List.of());
      s.setIpFamilies(List.of());
      s.setLoadBalancerSourceRanges(List.of());
      s.setPorts(List.of());
      s.setClusterIP(intern(spec.getClusterIP()));
      s.setType(intern(spec.getType()));
      s.setSelector(strings(spec.getSelector()));
      s.setPublishNotReadyAddresses(spec.getPublishNotReadyAddresses());
      out.setSpec(s);
    }
    return out;
  }

  static StorageClass storageClass(StorageClass in) {
    StorageClass out = new StorageClass();
    out.setAdditionalProperties(Map.of());
    out.setAllowedTopologies(List.of());
    out.setMountOptions(List.of());
    out.setParameters(Map.of());
    out.setMetadata(
        meta(
            in.getMetadata(),
            a ->
                a.startsWith(OWN_ANNOTATIONS)
                    || a.equals(DEFAULT_CLASS)
                    || a.equals(BETA_DEFAULT)));
    // With several default classes the API server takes the newest: storage-class does the same.
    if (in.getMetadata() != null) {
      out.getMetadata().setCreationTimestamp(in.getMetadata().getCreationTimestamp());
    }
    out.setProvisioner(intern(in.getProvisioner()));
    out.setAllowVolumeExpansion(in.getAllowVolumeExpansion());
    out.setReclaimPolicy(intern(in.getReclaimPolicy()));
    out.setVolumeBindingMode(intern(in.getVolumeBindingMode()));
    return out;
  }

  /** The slim pod; the pod cache keeps it packed ({@link PackedPod}), which gives back the same. */
  static Pod pod(Pod in) {
    return PackedPod.of(in).toPod();
  }

  /** The name of the StatefulSet that controls {@code pod}, or null when none does. */
  static String owningStatefulSet(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference ref : pod.getMetadata().getOwnerReferences()) {
      if (ref != null
          && Boolean.TRUE.equals(ref.getController())
          && "StatefulSet".equals(ref.getKind())
          && ref.getApiVersion() != null
          && ref.getApiVersion().startsWith("apps/")) {
        return ref.getName();
      }
    }
    return null;
  }

  /** Metadata with nothing set and every collection empty (and immutable). */
  static ObjectMeta emptyMeta() {
    ObjectMeta out = new ObjectMeta();
    out.setAdditionalProperties(Map.of());
    out.setFinalizers(List.of());
    out.setManagedFields(List.of());
    out.setOwnerReferences(List.of());
    out.setAnnotations(Map.of());
    out.setLabels(Map.of());
    return out;
  }

  /** The annotations under {@link #OWN_ANNOTATIONS} of {@code in}, keys interned; immutable. */
  static Map<String, String> ownAnnotations(Map<String, String> in) {
    return annotations(in, a -> a.startsWith(OWN_ANNOTATIONS));
  }

  private static Map<String, String> annotations(
      Map<String, String> in, Predicate<String> keepAnnotation) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, String> kept = new HashMap<>();
    in.forEach(
        (k, v) -> {
          if (k != null && v != null && keepAnnotation.test(k)) {
            kept.put(intern(k), v);
          }
        });
    return Map.copyOf(kept);
  }

  private static ObjectMeta meta(ObjectMeta in, Predicate<String> keepAnnotation) {
    ObjectMeta out = emptyMeta();
    if (in == null) {
      return out;
    }
    out.setName(in.getName());
    out.setNamespace(intern(in.getNamespace()));
    out.setUid(in.getUid());
    out.setResourceVersion(in.getResourceVersion());
    out.setGeneration(in.getGeneration());
    out.setDeletionTimestamp(in.getDeletionTimestamp());
    out.setLabels(strings(in.getLabels()));
    out.setAnnotations(annotations(in.getAnnotations(), keepAnnotation));
    if (in.getOwnerReferences() != null && !in.getOwnerReferences().isEmpty()) {
      List<OwnerReference> kept = new ArrayList<>(1);
      for (OwnerReference ref : in.getOwnerReferences()) {
        if (ref != null && Boolean.TRUE.equals(ref.getController())) {
          OwnerReference r = new OwnerReference();
          r.setAdditionalProperties(Map.of());
          r.setApiVersion(intern(ref.getApiVersion()));
          r.setKind(intern(ref.getKind()));
          r.setName(intern(ref.getName()));
          r.setUid(ref.getUid());
          r.setController(ref.getController());
          kept.add(r);
        }
      }
      out.setOwnerReferences(List.copyOf(kept));
    }
    return out;
  }

  /** A pod status with nothing set and every collection empty (and immutable). */
  static PodStatus emptyPodStatus() {
    PodStatus s = new PodStatus();
    s.setAdditionalProperties(Map.of());
    s.setAllocatedResources(Map.of());
    s.setConditions(List.of());
    s.setContainerStatuses(List.of());
    s.setEphemeralContainerStatuses(List.of());
    s.setHostIPs(List.of());
    s.setInitContainerStatuses(List.of());
    s.setNodeAllocatableResourceClaimStatuses(List.of());
    s.setPodIPs(List.of());
    s.setResourceClaimStatuses(List.of());
    return s;
  }

  /** A pod spec with nothing set and every collection empty (and immutable). */
  static PodSpec emptyPodSpec() {
    PodSpec s = new PodSpec();
    s.setAdditionalProperties(Map.of());
    s.setContainers(List.of());
    s.setEphemeralContainers(List.of());
    s.setHostAliases(List.of());
    s.setImagePullSecrets(List.of());
    s.setInitContainers(List.of());
    s.setNodeSelector(Map.of());
    s.setOverhead(Map.of());
    s.setReadinessGates(List.of());
    s.setResourceClaims(List.of());
    s.setSchedulingGates(List.of());
    s.setTolerations(List.of());
    s.setTopologySpreadConstraints(List.of());
    s.setVolumes(List.of());
    return s;
  }

  /** A copy of a label selector (see {@link Packed.Selector}). */
  private static LabelSelector selector(LabelSelector in) {
    return in == null ? null : Packed.Selector.of(in).toSelector();
  }

  /** An immutable copy with interned keys and values. */
  private static Map<String, String> strings(Map<String, String> in) {
    return Packed.map(Packed.pairs(in));
  }

  /**
   * The canonical copy of a string many cached objects share. The JVM's string table holds them;
   * only values that repeat across objects are interned (not names or uids).
   */
  static String intern(String s) {
    return s == null ? null : s.intern();
  }
}
