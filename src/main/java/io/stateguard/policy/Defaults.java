package io.stateguard.policy;

import static io.stateguard.policy.PodSpecDefaults.each;
import static io.stateguard.policy.PodSpecDefaults.isEmpty;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies, in place, the defaults a Kubernetes 1.28 API server gives an object before any webhook
 * sees it, so a manifest read from a file looks like the object the cluster would store.
 *
 * <p>Covered: apps/v1 StatefulSet (with its pod template and claim templates), core/v1 Pod, core/v1
 * Service, and policy/v1 PodDisruptionBudget, for which the API server defaults nothing. Other
 * objects are returned untouched. Only absent fields are filled; a value the manifest sets is kept,
 * with the API server's own exceptions: numeric probe fields where 0 means "unset", and a Service's
 * {@code sessionAffinityConfig}, which the API server drops when the affinity is None.
 *
 * <p>Not reproduced, because they depend on the cluster rather than on the manifest: allocated
 * addresses and node ports, a Service's IP families, the service-account token volume, a priority
 * taken from a globalDefault PriorityClass, and anything a LimitRange or a mutating webhook adds.
 * Quantities are kept as written (the API server prints them in canonical form, same value).
 *
 * <p>Pure and stateless; safe from any thread as long as each object is defaulted by one thread.
 */
public final class Defaults {

  private static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
  private static final long NODE_PROBLEM_TOLERATION_SECONDS = 300;
  private static final Map<String, Integer> SYSTEM_PRIORITY_CLASSES =
      Map.of("system-cluster-critical", 2_000_000_000, "system-node-critical", 2_000_001_000);

  private Defaults() {}

  /** Fills the API server's defaults into {@code object} and returns it. */
  public static <T extends HasMetadata> T apply(T object) {
    if (object instanceof StatefulSet set) {
      statefulSet(set);
    } else if (object instanceof Pod pod) {
      pod(pod);
    } else if (object instanceof Service service) {
      service(service);
    }
    // A policy/v1 PodDisruptionBudget is stored as written: its API group defaults nothing.
    return object;
  }

  private static void statefulSet(StatefulSet set) {
    if (set.getSpec() == null) {
      set.setSpec(new StatefulSetSpec());
    }
    StatefulSetSpec spec = set.getSpec();
    if (isEmpty(spec.getPodManagementPolicy())) {
      spec.setPodManagementPolicy("OrderedReady");
    }
    updateStrategy(spec);
    retentionPolicy(spec);
    if (spec.getReplicas() == null) {
      spec.setReplicas(1);
    }
    if (spec.getRevisionHistoryLimit() == null) {
      spec.setRevisionHistoryLimit(10);
    }
    if (spec.getTemplate() == null) {
      spec.setTemplate(new PodTemplateSpec());
    }
    if (spec.getTemplate().getSpec() == null) {
      spec.getTemplate().setSpec(new PodSpec());
    }
    PodSpecDefaults.apply(spec.getTemplate().getSpec());
    for (PersistentVolumeClaim claim : each(spec.getVolumeClaimTemplates())) {
      claimTemplate(claim);
    }
  }

  /**
   * An absent strategy becomes RollingUpdate with partition 0. An explicit RollingUpdate without a
   * rollingUpdate block keeps none (the API server only creates the block when it picks the type),
   * and OnDelete gets nothing.
   */
  private static void updateStrategy(StatefulSetSpec spec) {
    if (spec.getUpdateStrategy() == null) {
      spec.setUpdateStrategy(new StatefulSetUpdateStrategy());
    }
    StatefulSetUpdateStrategy strategy = spec.getUpdateStrategy();
    if (isEmpty(strategy.getType())) {
      strategy.setType("RollingUpdate");
      if (strategy.getRollingUpdate() == null) {
        strategy.setRollingUpdate(new RollingUpdateStatefulSetStrategy());
      }
    }
    if ("RollingUpdate".equals(strategy.getType())
        && strategy.getRollingUpdate() != null
        && strategy.getRollingUpdate().getPartition() == null) {
      strategy.getRollingUpdate().setPartition(0);
    }
  }

  /** Retain/Retain, field by field (StatefulSetAutoDeletePVC is on by default since 1.27). */
  private static void retentionPolicy(StatefulSetSpec spec) {
    if (spec.getPersistentVolumeClaimRetentionPolicy() == null) {
      spec.setPersistentVolumeClaimRetentionPolicy(
          new StatefulSetPersistentVolumeClaimRetentionPolicy());
    }
    StatefulSetPersistentVolumeClaimRetentionPolicy policy =
        spec.getPersistentVolumeClaimRetentionPolicy();
    if (isEmpty(policy.getWhenDeleted())) {
      policy.setWhenDeleted("Retain");
    }
    if (isEmpty(policy.getWhenScaled())) {
      policy.setWhenScaled("Retain");
    }
  }

  private static void claimTemplate(PersistentVolumeClaim claim) {
    if (isEmpty(claim.getApiVersion())) {
      claim.setApiVersion("v1");
    }
    if (isEmpty(claim.getKind())) {
      claim.setKind("PersistentVolumeClaim");
    }
    if (claim.getSpec() == null) {
      claim.setSpec(new PersistentVolumeClaimSpec());
    }
    PodSpecDefaults.claimSpec(claim.getSpec());
    if (claim.getStatus() == null) {
      claim.setStatus(new PersistentVolumeClaimStatus());
    }
    if (isEmpty(claim.getStatus().getPhase())) {
      claim.getStatus().setPhase("Pending");
    }
  }

  private static void pod(Pod pod) {
    if (pod.getSpec() == null) {
      pod.setSpec(new PodSpec());
    }
    PodSpec spec = pod.getSpec();
    // Only a Pod copies limits into absent requests; a pod template keeps them as written.
    for (Container c : each(spec.getContainers())) {
      requestsFromLimits(c);
    }
    for (Container c : each(spec.getInitContainers())) {
      requestsFromLimits(c);
    }
    if (spec.getEnableServiceLinks() == null) {
      spec.setEnableServiceLinks(true);
    }
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      hostPorts(spec.getContainers());
      hostPorts(spec.getInitContainers());
    }
    PodSpecDefaults.apply(spec);
    admissionPlugins(spec);
  }

  private static void requestsFromLimits(Container c) {
    ResourceRequirements resources = c.getResources();
    if (resources == null || resources.getLimits() == null || resources.getLimits().isEmpty()) {
      return;
    }
    Map<String, Quantity> requests =
        resources.getRequests() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(resources.getRequests());
    for (Map.Entry<String, Quantity> limit : resources.getLimits().entrySet()) {
      if (limit.getValue() == null) {
        continue;
      }
      requests.putIfAbsent(
          limit.getKey(), new Quantity(limit.getValue().getAmount(), limit.getValue().getFormat()));
    }
    resources.setRequests(requests);
  }

  /** With the host's network a container port is also a host port. */
  private static void hostPorts(List<Container> containers) {
    for (Container c : each(containers)) {
      for (ContainerPort port : each(c.getPorts())) {
        if (port.getHostPort() == null || port.getHostPort() == 0) {
          port.setHostPort(port.getContainerPort());
        }
      }
    }
  }

  /**
   * What the admission plugins a stock API server enables add to every new Pod: Priority (priority
   * 0 and PreemptLowerPriority when no class is named, the built-in values for the two system
   * classes) and DefaultTolerationSeconds (tolerate not-ready and unreachable nodes for 300 s).
   */
  private static void admissionPlugins(PodSpec spec) {
    String className = spec.getPriorityClassName();
    Integer priority =
        isEmpty(className) ? Integer.valueOf(0) : SYSTEM_PRIORITY_CLASSES.get(className);
    if (priority != null) {
      if (spec.getPriority() == null) {
        spec.setPriority(priority);
      }
      if (isEmpty(spec.getPreemptionPolicy())) {
        spec.setPreemptionPolicy("PreemptLowerPriority");
      }
    }
    List<Toleration> tolerations = new ArrayList<>(each(spec.getTolerations()));
    boolean changed = false;
    for (String taint : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      if (tolerations.stream().noneMatch(t -> toleratesNoExecute(t, taint))) {
        Toleration t = new Toleration();
        t.setKey(taint);
        t.setOperator("Exists");
        t.setEffect("NoExecute");
        t.setTolerationSeconds(NODE_PROBLEM_TOLERATION_SECONDS);
        tolerations.add(t);
        changed = true;
      }
    }
    if (changed) {
      spec.setTolerations(tolerations);
    }
  }

  /**
   * Whether {@code t} already tolerates {@code taint} with effect NoExecute (empty matches all).
   */
  private static boolean toleratesNoExecute(Toleration t, String taint) {
    return (isEmpty(t.getKey()) || taint.equals(t.getKey()))
        && (isEmpty(t.getEffect()) || "NoExecute".equals(t.getEffect()));
  }

  private static void service(Service service) {
    if (service.getSpec() == null) {
      service.setSpec(new ServiceSpec());
    }
    ServiceSpec spec = service.getSpec();
    if (isEmpty(spec.getSessionAffinity())) {
      spec.setSessionAffinity("None");
    }
    if ("None".equals(spec.getSessionAffinity())) {
      spec.setSessionAffinityConfig(null);
    } else if ("ClientIP".equals(spec.getSessionAffinity())) {
      clientIpTimeout(spec);
    }
    if (isEmpty(spec.getType())) {
      spec.setType("ClusterIP");
    }
    for (ServicePort port : each(spec.getPorts())) {
      if (isEmpty(port.getProtocol())) {
        port.setProtocol("TCP");
      }
      if (isUnset(port.getTargetPort()) && port.getPort() != null) {
        port.setTargetPort(new IntOrString(port.getPort()));
      }
    }
    String type = spec.getType();
    boolean externallyAccessible =
        "LoadBalancer".equals(type)
            || "NodePort".equals(type)
            || ("ClusterIP".equals(type)
                && spec.getExternalIPs() != null
                && !spec.getExternalIPs().isEmpty());
    if (externallyAccessible && isEmpty(spec.getExternalTrafficPolicy())) {
      spec.setExternalTrafficPolicy("Cluster");
    }
    if (spec.getInternalTrafficPolicy() == null
        && List.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)) {
      spec.setInternalTrafficPolicy("Cluster");
    }
    if ("LoadBalancer".equals(type) && spec.getAllocateLoadBalancerNodePorts() == null) {
      spec.setAllocateLoadBalancerNodePorts(true);
    }
  }

  private static void clientIpTimeout(ServiceSpec spec) {
    if (spec.getSessionAffinityConfig() == null) {
      spec.setSessionAffinityConfig(new SessionAffinityConfig());
    }
    SessionAffinityConfig config = spec.getSessionAffinityConfig();
    if (config.getClientIP() == null) {
      config.setClientIP(new ClientIPConfig());
    }
    if (config.getClientIP().getTimeoutSeconds() == null) {
      config.getClientIP().setTimeoutSeconds(DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
    }
  }

  /** A target port of 0 or "" means "the same as port". */
  private static boolean isUnset(IntOrString port) {
    if (port == null) {
      return true;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal() == 0;
    }
    return isEmpty(port.getStrVal());
  }
}
