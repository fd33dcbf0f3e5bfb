package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code pvc-retention}: what happens to the members' volumes when the set is deleted or scaled
 * down. Deleting them with the set loses the data unless backups exist; keeping them on scale-down
 * leaves orphans whose stale data comes back with the next member at that ordinal.
 */
final class PvcRetentionRule implements Rule {

  static final String FIELD = "spec.persistentVolumeClaimRetentionPolicy";

  /** Values that say whether there are backups but not where: not a declaration of backups. */
  private static final Set<String> PLACEHOLDERS =
      Set.of(
          "true",
          "false",
          "yes",
          "no",
          "y",
          "n",
          "1",
          "0",
          "on",
          "off",
          "enabled",
          "disabled",
          "none",
          "todo",
          "tbd",
          "n/a",
          "-");

  private static final RuleInfo INFO =
      new RuleInfo(
          "pvc-retention",
          "Claims deleted with the set need declared backups; claims kept on scale-down are"
              + " orphans",
          "With persistentVolumeClaimRetentionPolicy.whenDeleted: Delete the StatefulSet controller"
              + " deletes every member's PersistentVolumeClaim when the set is deleted: one"
              + " mistaken `kubectl delete sts` (or a Helm uninstall) destroys all the data, and"
              + " only a backup brings it back. With whenScaled: Retain the claims of members"
              + " removed by a scale-down stay behind: the volumes keep costing money, and a member"
              + " re-created later at the same ordinal mounts the old volume and starts from its"
              + " stale data. The API server defaults both fields to Retain, so every set that"
              + " says nothing has whenScaled: Retain; for databases and quorum systems that is"
              + " the safe choice (an accidental scale-down loses nothing and the replication"
              + " protocol catches a returning member up), so whenScaled: Retain is reported only"
              + " for the classes in scaledRetainClasses (by default cache, whose data can be"
              + " rebuilt and where a returning member would serve stale entries). Sets without"
              + " volumeClaimTemplates are not checked: the policy governs only claims created from"
              + " templates.",
          "Set whenDeleted: Retain (delete the claims by hand once the data is no longer needed),"
              + " or declare where the backups are with the backupAnnotation on the StatefulSet"
              + " (stateguard.io/backup: \"s3://backups/pg, nightly\"). On rebuildable workloads"
              + " set whenScaled: Delete. To accept the risk for one set, annotate it"
              + " stateguard.io/break-glass: \"<reason>\"; for a class of workloads, set the rule's"
              + " mode or parameters in a policy.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.string(
                  "backupAnnotation",
                  "stateguard.io/backup",
                  "Annotation on the StatefulSet that declares where its backups are; with a"
                      + " non-blank value naming a location it allows whenDeleted: Delete."),
              ParamSpec.strings(
                  "rebuildableClasses",
                  List.of("cache"),
                  "Workload classes whose data can be rebuilt from elsewhere: whenDeleted: Delete"
                      + " needs no backup annotation for them."),
              ParamSpec.strings(
                  "scaledRetainClasses",
                  List.of("cache"),
                  "Workload classes for which whenScaled: Retain is reported (classes that scale"
                      + " down routinely and whose data can be rebuilt); an empty list turns this"
                      + " check off.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    if (set.getSpec() == null
        || set.getSpec().getVolumeClaimTemplates() == null
        || set.getSpec().getVolumeClaimTemplates().isEmpty()) {
      return;
    }
    StatefulSetPersistentVolumeClaimRetentionPolicy policy =
        set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    // An absent policy is what the API server defaults to Retain/Retain.
    String whenDeleted = policy == null ? null : policy.getWhenDeleted();
    String whenScaled = policy == null ? null : policy.getWhenScaled();
    String cls = ctx.workloadClass().id();
    String subject = ctx.subjectRef().toString();
    int replicas = TemplateContainer.replicas(set);

    if ("Delete".equals(whenDeleted) && !ctx.params().strings("rebuildableClasses").contains(cls)) {
      checkBackups(ctx, set, subject, replicas);
    }
    if (!"Delete".equals(whenScaled) && ctx.params().strings("scaledRetainClasses").contains(cls)) {
      ctx.report(
          subject
              + " keeps the PersistentVolumeClaims of removed members when scaled down"
              + " (persistentVolumeClaimRetentionPolicy.whenScaled: Retain, which the API server"
              + " also sets when nothing is chosen): the orphaned volumes keep costing money, and a member re-created at the same"
              + " ordinal mounts its stale data; the data of a workload of class "
              + cls
              + " can be rebuilt, so set whenScaled: Delete",
          FIELD + ".whenScaled");
    }
  }

  private static void checkBackups(RuleContext ctx, StatefulSet set, String subject, int replicas) {
    String key = ctx.params().string("backupAnnotation");
    Map<String, String> annotations =
        set.getMetadata() == null ? null : set.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(key);
    String loss =
        ": one delete of the set destroys the data of all "
            + replicas
            + (replicas == 1 ? " member" : " members");
    if (value == null) {
      ctx.report(
          subject
              + " deletes the PersistentVolumeClaims of its members when the set is deleted"
              + " (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete) and declares no"
              + " backups"
              + loss
              + "; set whenDeleted: Retain, or annotate the set "
              + key
              + ": \"<where the backups are>\"",
          FIELD + ".whenDeleted");
    } else if (value.isBlank() || PLACEHOLDERS.contains(value.strip().toLowerCase(Locale.ROOT))) {
      ctx.report(
          subject
              + " deletes the PersistentVolumeClaims of its members when the set is deleted"
              + " (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete), and its annotation "
              + key
              + ": \""
              + value
              + "\" does not say where the backups are"
              + loss
              + "; name the backup location in the annotation (a bucket, a Velero schedule), or"
              + " set whenDeleted: Retain",
          FIELD + ".whenDeleted");
    }
  }
}
