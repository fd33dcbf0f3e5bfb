package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.AzureDiskVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import java.util.List;
import java.util.Objects;

/**
 * The defaults the API server gives every PodSpec, wherever it is embedded (a Pod, a StatefulSet's
 * pod template): the spec itself, its containers, probes, ports, environment and volumes.
 */
final class PodSpecDefaults {

  /** Mode bits the API server gives secret, configMap, downwardAPI and projected volumes (0644). */
  private static final int DEFAULT_VOLUME_MODE = 0644;

  private static final long DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

  private PodSpecDefaults() {}

  static void apply(PodSpec spec) {
    if (isEmpty(spec.getDnsPolicy())) {
      spec.setDnsPolicy("ClusterFirst");
    }
    if (isEmpty(spec.getRestartPolicy())) {
      spec.setRestartPolicy("Always");
    }
    if (spec.getSecurityContext() == null) {
      spec.setSecurityContext(new PodSecurityContext());
    }
    if (spec.getTerminationGracePeriodSeconds() == null) {
      spec.setTerminationGracePeriodSeconds(30L);
    }
    if (isEmpty(spec.getSchedulerName())) {
      spec.setSchedulerName("default-scheduler");
    }
    for (Volume volume : each(spec.getVolumes())) {
      volume(volume);
    }
    for (Container container : each(spec.getInitContainers())) {
      container(container);
    }
    for (Container container : each(spec.getContainers())) {
      container(container);
    }
    for (EphemeralContainer container : each(spec.getEphemeralContainers())) {
      ephemeralContainer(container);
    }
  }

  static void container(Container c) {
    if (isEmpty(c.getImagePullPolicy())) {
      c.setImagePullPolicy(ImageReference.defaultPullPolicy(c.getImage()));
    }
    if (isEmpty(c.getTerminationMessagePath())) {
      c.setTerminationMessagePath("/dev/termination-log");
    }
    if (isEmpty(c.getTerminationMessagePolicy())) {
      c.setTerminationMessagePolicy("File");
    }
    // A struct, not a pointer, in the API: it is always present, if only as {}.
    if (c.getResources() == null) {
      c.setResources(new ResourceRequirements());
    }
    ports(c.getPorts());
    env(c.getEnv());
    probe(c.getLivenessProbe());
    probe(c.getReadinessProbe());
    probe(c.getStartupProbe());
    lifecycle(c.getLifecycle());
  }

  private static void ephemeralContainer(EphemeralContainer c) {
    if (isEmpty(c.getImagePullPolicy())) {
      c.setImagePullPolicy(ImageReference.defaultPullPolicy(c.getImage()));
    }
    if (isEmpty(c.getTerminationMessagePath())) {
      c.setTerminationMessagePath("/dev/termination-log");
    }
    if (isEmpty(c.getTerminationMessagePolicy())) {
      c.setTerminationMessagePolicy("File");
    }
    if (c.getResources() == null) {
      c.setResources(new ResourceRequirements());
    }
    ports(c.getPorts());
    env(c.getEnv());
    probe(c.getLivenessProbe());
    probe(c.getReadinessProbe());
    probe(c.getStartupProbe());
    lifecycle(c.getLifecycle());
  }

  private static void ports(List<ContainerPort> ports) {
    for (ContainerPort port : each(ports)) {
      if (isEmpty(port.getProtocol())) {
        port.setProtocol("TCP");
      }
    }
  }

  private static void env(List<EnvVar> env) {
    for (EnvVar var : each(env)) {
      if (var.getValueFrom() != null) {
        fieldRef(var.getValueFrom().getFieldRef());
      }
    }
  }

  private static void fieldRef(ObjectFieldSelector selector) {
    if (selector != null && isEmpty(selector.getApiVersion())) {
      selector.setApiVersion("v1");
    }
  }

  /**
   * Probe numbers are plain integers in the API, so an explicit 0 is indistinguishable from an
   * absent value and takes the default too.
   */
  private static void probe(Probe probe) {
    if (probe == null) {
      return;
    }
    if (isZero(probe.getTimeoutSeconds())) {
      probe.setTimeoutSeconds(1);
    }
    if (isZero(probe.getPeriodSeconds())) {
      probe.setPeriodSeconds(10);
    }
    if (isZero(probe.getSuccessThreshold())) {
      probe.setSuccessThreshold(1);
    }
    if (isZero(probe.getFailureThreshold())) {
      probe.setFailureThreshold(3);
    }
    httpGet(probe.getHttpGet());
    if (probe.getGrpc() != null && probe.getGrpc().getService() == null) {
      probe.getGrpc().setService("");
    }
  }

  private static void lifecycle(Lifecycle lifecycle) {
    if (lifecycle == null) {
      return;
    }
    for (LifecycleHandler handler :
        new LifecycleHandler[] {lifecycle.getPostStart(), lifecycle.getPreStop()}) {
      if (handler != null) {
        httpGet(handler.getHttpGet());
      }
    }
  }

  private static void httpGet(HTTPGetAction action) {
    if (action == null) {
      return;
    }
    if (isEmpty(action.getPath())) {
      action.setPath("/");
    }
    if (isEmpty(action.getScheme())) {
      action.setScheme("HTTP");
    }
  }

  private static void volume(Volume v) {
    if (hasNoSource(v)) {
      v.setEmptyDir(new EmptyDirVolumeSource());
    }
    if (v.getHostPath() != null && v.getHostPath().getType() == null) {
      v.getHostPath().setType("");
    }
    if (v.getSecret() != null && v.getSecret().getDefaultMode() == null) {
      v.getSecret().setDefaultMode(DEFAULT_VOLUME_MODE);
    }
    if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
      v.getConfigMap().setDefaultMode(DEFAULT_VOLUME_MODE);
    }
    if (v.getDownwardAPI() != null) {
      if (v.getDownwardAPI().getDefaultMode() == null) {
        v.getDownwardAPI().setDefaultMode(DEFAULT_VOLUME_MODE);
      }
      downwardApiItems(v.getDownwardAPI().getItems());
    }
    if (v.getProjected() != null) {
      if (v.getProjected().getDefaultMode() == null) {
        v.getProjected().setDefaultMode(DEFAULT_VOLUME_MODE);
      }
      for (VolumeProjection source : each(v.getProjected().getSources())) {
        if (source.getDownwardAPI() != null) {
          downwardApiItems(source.getDownwardAPI().getItems());
        }
        if (source.getServiceAccountToken() != null
            && source.getServiceAccountToken().getExpirationSeconds() == null) {
          source.getServiceAccountToken().setExpirationSeconds(DEFAULT_TOKEN_EXPIRATION_SECONDS);
        }
      }
    }
    if (v.getIscsi() != null && isEmpty(v.getIscsi().getIscsiInterface())) {
      v.getIscsi().setIscsiInterface("default");
    }
    if (v.getRbd() != null) {
      if (isEmpty(v.getRbd().getPool())) {
        v.getRbd().setPool("rbd");
      }
      if (isEmpty(v.getRbd().getUser())) {
        v.getRbd().setUser("admin");
      }
      if (isEmpty(v.getRbd().getKeyring())) {
        v.getRbd().setKeyring("/etc/ceph/keyring");
      }
    }
    if (v.getAzureDisk() != null) {
      azureDisk(v.getAzureDisk());
    }
    if (v.getScaleIO() != null) {
      if (isEmpty(v.getScaleIO().getStorageMode())) {
        v.getScaleIO().setStorageMode("ThinProvisioned");
      }
      if (isEmpty(v.getScaleIO().getFsType())) {
        v.getScaleIO().setFsType("xfs");
      }
    }
    if (v.getEphemeral() != null && v.getEphemeral().getVolumeClaimTemplate() != null) {
      var template = v.getEphemeral().getVolumeClaimTemplate();
      if (template.getSpec() == null) {
        template.setSpec(new PersistentVolumeClaimSpec());
      }
      claimSpec(template.getSpec());
    }
  }

  private static void azureDisk(AzureDiskVolumeSource disk) {
    if (disk.getCachingMode() == null) {
      disk.setCachingMode("ReadWrite");
    }
    if (disk.getKind() == null) {
      disk.setKind("Shared");
    }
    if (disk.getFsType() == null) {
      disk.setFsType("ext4");
    }
    if (disk.getReadOnly() == null) {
      disk.setReadOnly(false);
    }
  }

  private static void downwardApiItems(List<DownwardAPIVolumeFile> items) {
    for (DownwardAPIVolumeFile item : each(items)) {
      fieldRef(item.getFieldRef());
    }
  }

  /** Defaults of a PersistentVolumeClaimSpec, in a claim template or an ephemeral volume. */
  static void claimSpec(PersistentVolumeClaimSpec spec) {
    if (spec.getVolumeMode() == null) {
      spec.setVolumeMode("Filesystem");
    }
    if (spec.getResources() == null) {
      spec.setResources(new VolumeResourceRequirements());
    }
  }

  /** A volume naming no source at all is an emptyDir. */
  private static boolean hasNoSource(Volume v) {
    if (v.getAdditionalProperties() != null && !v.getAdditionalProperties().isEmpty()) {
      // A source this model does not know; the API server would see it.
      return false;
    }
    Object[] sources = {
      v.getAwsElasticBlockStore(),
      v.getAzureDisk(),
      v.getAzureFile(),
      v.getCephfs(),
      v.getCinder(),
      v.getConfigMap(),
      v.getCsi(),
      v.getDownwardAPI(),
      v.getEmptyDir(),
      v.getEphemeral(),
      v.getFc(),
      v.getFlexVolume(),
      v.getFlocker(),
      v.getGcePersistentDisk(),
      v.getGitRepo(),
      v.getGlusterfs(),
      v.getHostPath(),
      v.getImage(),
      v.getIscsi(),
      v.getNfs(),
      v.getPersistentVolumeClaim(),
      v.getPhotonPersistentDisk(),
      v.getPortworxVolume(),
      v.getProjected(),
      v.getQuobyte(),
      v.getRbd(),
      v.getScaleIO(),
      v.getSecret(),
      v.getStorageos(),
      v.getVsphereVolume()
    };
    for (Object source : sources) {
      if (source != null) {
        return false;
      }
    }
    return true;
  }

  static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  private static boolean isZero(Integer i) {
    return i == null || i == 0;
  }

  /** The elements of a list that may be absent or hold nulls (a manifest's {@code - null}). */
  static <T> List<T> each(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }
}
