package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeDevice;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code volume-claim-templates}: each member of a stateful workload keeps its data on a volume of
 * its own, created from a claim template that the API server will accept and a container mounts.
 */
final class VolumeClaimTemplatesRule implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "volume-claim-templates",
          "Stateful workloads keep each member's data on its own volume, from a valid and mounted"
              + " claim template",
          "A StatefulSet gives each member a PersistentVolumeClaim of its own only through"
              + " volumeClaimTemplates. Without one, a member's data lives on the node (an emptyDir,"
              + " a hostPath or the container's writable layer) and is lost when the pod is"
              + " rescheduled or its node fails; a claim named in the pod's volumes is one volume"
              + " shared by every member. Each member uses its own claim, so ReadWriteMany buys"
              + " nothing and needs a network filesystem whose locking and fsync semantics"
              + " databases rarely tolerate; ReadOnlyMany cannot hold data the member writes. A"
              + " claim template without an access mode or a storage request produces claims the"
              + " API server rejects, and the members stay Pending. A claim template no container"
              + " mounts is created and paid for while the data goes to the container's own"
              + " filesystem.",
          "Add a volumeClaimTemplate with accessModes [ReadWriteOnce] (or ReadWriteOncePod) and"
              + " resources.requests.storage, and mount it (volumeMounts[].name = the template's"
              + " name) where the process writes its data. If a workload really needs another"
              + " access mode, add it to allowedAccessModes in a policy; if its class keeps no"
              + " data, take the class out of classes. For one set, annotate it"
              + " stateguard.io/break-glass: \"<reason>\".",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  "classes",
                  List.of("quorum", "database"),
                  "Workload classes that must have volumeClaimTemplates."),
              ParamSpec.strings(
                  "allowedAccessModes",
                  List.of("ReadWriteOnce", "ReadWriteOncePod"),
                  "Access modes a claim template may ask for.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    String subject = ctx.subjectRef().toString();
    List<PersistentVolumeClaim> templates =
        set.getSpec() == null || set.getSpec().getVolumeClaimTemplates() == null
            ? List.of()
            : set.getSpec().getVolumeClaimTemplates();
    PodSpec pod = TemplateContainer.podSpec(set).orElse(null);
    if (templates.isEmpty()) {
      checkMissing(ctx, set, subject, pod);
      return;
    }
    Set<String> mounted = mountedVolumes(pod);
    List<String> allowed = ctx.params().strings("allowedAccessModes");
    for (int i = 0; i < templates.size(); i++) {
      PersistentVolumeClaim template = templates.get(i);
      if (template == null) {
        continue;
      }
      String name = template.getMetadata() == null ? null : template.getMetadata().getName();
      String field =
          "spec.volumeClaimTemplates["
              + (name == null || name.isBlank() ? Integer.toString(i) : name)
              + "].spec";
      String what = subject + " claim template " + (name == null ? "#" + i : name);
      PersistentVolumeClaimSpec spec = template.getSpec();
      checkAccessModes(ctx, what, field, spec, allowed);
      checkStorage(ctx, what, field, spec);
      if (name != null && pod != null && !mounted.contains(name)) {
        ctx.report(
            what
                + " is mounted by no container: each member gets a volume that holds nothing,"
                + " while the data goes to the container's own filesystem and is lost with it;"
                + " add a volumeMount named "
                + name
                + " where the process writes its data, or remove the template",
            "spec.volumeClaimTemplates[" + name + "]");
      }
    }
  }

  private static void checkMissing(RuleContext ctx, StatefulSet set, String subject, PodSpec pod) {
    String cls = ctx.workloadClass().id();
    if (!ctx.params().strings("classes").contains(cls)) {
      return;
    }
    List<String> nodeLocal = new ArrayList<>();
    List<String> shared = new ArrayList<>();
    if (pod != null && pod.getVolumes() != null) {
      for (Volume v : pod.getVolumes()) {
        if (v.getEmptyDir() != null) {
          nodeLocal.add("emptyDir " + v.getName());
        } else if (v.getHostPath() != null) {
          nodeLocal.add("hostPath " + v.getName());
        } else if (v.getPersistentVolumeClaim() != null) {
          shared.add(v.getPersistentVolumeClaim().getClaimName());
        }
      }
    }
    int replicas = TemplateContainer.replicas(set);
    if (!shared.isEmpty() && nodeLocal.isEmpty()) {
      // One pre-created claim keeps one member's data safely; it only breaks with a second member.
      if (replicas > 1) {
        ctx.report(
            subject
                + " is a "
                + cls
                + " workload of "
                + replicas
                + " members with no volumeClaimTemplates: every member mounts the same claim "
                + String.join(", ", shared)
                + ", so they fight over one volume (or cannot attach it at all); replace the"
                + " shared claim with a volumeClaimTemplate so each member gets its own volume",
            "spec.volumeClaimTemplates");
      }
      return;
    }
    String where =
        nodeLocal.isEmpty()
            ? "the container's writable layer"
            : "node-local volumes (" + String.join(", ", nodeLocal) + ")";
    ctx.report(
        subject
            + " is a "
            + cls
            + " workload with no volumeClaimTemplates: its data lives on "
            + where
            + " and is lost when a member is rescheduled or its node fails; add a"
            + " volumeClaimTemplate (accessModes [ReadWriteOnce], resources.requests.storage) and"
            + " mount it where the data is written",
        "spec.volumeClaimTemplates");
  }

  private static void checkAccessModes(
      RuleContext ctx,
      String what,
      String field,
      PersistentVolumeClaimSpec spec,
      List<String> allowed) {
    List<String> modes =
        spec == null || spec.getAccessModes() == null ? List.of() : spec.getAccessModes();
    String use = "; use " + String.join(" or ", allowed);
    if (modes.isEmpty()) {
      ctx.report(
          what
              + " sets no access mode: the API server rejects the claims the controller creates"
              + " and the members stay Pending"
              + use,
          field + ".accessModes");
      return;
    }
    for (String mode : modes) {
      if (mode == null || allowed.contains(mode)) {
        continue;
      }
      String consequence =
          switch (mode) {
            case "ReadWriteMany" ->
                ": each member gets a claim of its own, so shared access buys nothing, and it"
                    + " needs a network filesystem whose locking and fsync semantics databases"
                    + " rarely tolerate";
            case "ReadOnlyMany" -> ": a member cannot write its data to a read-only volume";
            default -> ", which the policy does not allow";
          };
      ctx.report(
          what + " asks for access mode " + mode + consequence + use, field + ".accessModes");
    }
  }

  private static void checkStorage(
      RuleContext ctx, String what, String field, PersistentVolumeClaimSpec spec) {
    Map<String, Quantity> requests =
        spec == null || spec.getResources() == null ? null : spec.getResources().getRequests();
    Quantity storage = requests == null ? null : requests.get("storage");
    if (storage == null || storage.getAmount() == null || storage.getAmount().isBlank()) {
      ctx.report(
          what
              + " requests no storage: the API server rejects the claims the controller creates"
              + " (resources.requests.storage is required) and the members stay Pending; set"
              + " resources.requests.storage to the size each member needs",
          field + ".resources.requests.storage");
    }
  }

  /** Names of the volumes any container (init containers included) mounts or attaches. */
  private static Set<String> mountedVolumes(PodSpec pod) {
    Set<String> names = new HashSet<>();
    if (pod == null) {
      return names;
    }
    Stream.concat(
            pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream(),
            pod.getContainers() == null ? Stream.empty() : pod.getContainers().stream())
        .forEach(c -> addMounts(names, c));
    return names;
  }

  private static void addMounts(Set<String> names, Container c) {
    if (c == null) {
      return;
    }
    if (c.getVolumeMounts() != null) {
      c.getVolumeMounts().stream().map(VolumeMount::getName).forEach(names::add);
    }
    if (c.getVolumeDevices() != null) {
      c.getVolumeDevices().stream().map(VolumeDevice::getName).forEach(names::add);
    }
  }
}
