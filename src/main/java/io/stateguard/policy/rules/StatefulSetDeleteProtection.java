package io.stateguard.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code statefulset-delete-protection}: a protected StatefulSet is deleted only after {@value
 * #ALLOW_DELETE} was set on it beforehand, a confirmation in two steps. An orphaning delete (pods
 * keep running, as when a set is re-created to change its claim templates) needs none, unless the
 * set deletes its volumes with it ({@code whenDeleted: Delete}).
 */
final class StatefulSetDeleteProtection implements Rule {

  /** The annotation that confirms a delete; its value says why (any non-blank text). */
  static final String ALLOW_DELETE = "stateguard.io/allow-delete";

  static final String CLASSES = "classes";
  static final String EXEMPT_USERS = "exemptUsers";

  static final RuleInfo INFO =
      new RuleInfo(
          "statefulset-delete-protection",
          "A protected StatefulSet is deleted only after stateguard.io/allow-delete was set on it",
          "Deleting a whole StatefulSet instead of one pod is a one-word typo (kubectl delete sts"
              + " zk instead of kubectl delete pod zk-0) and takes every member down at once; with"
              + " persistentVolumeClaimRetentionPolicy.whenDeleted: Delete it deletes the data"
              + " too. Asking for an annotation first makes the delete a deliberate two-step act."
              + " A delete with propagationPolicy: Orphan leaves the pods running (the usual way to"
              + " re-create a set with other claim templates) and is allowed, unless the set"
              + " deletes its volumes.",
          "First annotate the set: kubectl annotate sts <name> stateguard.io/allow-delete=\"<why>\","
              + " then delete it. To re-create it without stopping its pods, delete it with"
              + " --cascade=orphan. Break-glass (stateguard.io/break-glass: \"<reason>\") also"
              + " works, and is recorded as such.",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET_DELETE,
          List.of(
              ParamSpec.strings(
                  CLASSES,
                  List.of("quorum", "database"),
                  "The workload classes whose sets are protected; a set with whenDeleted: Delete"
                      + " is protected whatever its class."),
              ParamSpec.strings(
                  EXEMPT_USERS,
                  List.of("system:serviceaccount:kube-system:generic-garbage-collector"),
                  "User names whose deletes are never checked: by default the garbage collector,"
                      + " which deletes sets whose owner (an operator's resource) was deleted.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    if (ctx.params().strings(EXEMPT_USERS).contains(ctx.admission().user().username())) {
      return;
    }
    boolean deletesVolumes = deletesVolumes(set);
    boolean protectedClass = ctx.params().strings(CLASSES).contains(ctx.workloadClass().id());
    if (!deletesVolumes && !protectedClass) {
      return;
    }
    Map<String, String> annotations = set.getMetadata().getAnnotations();
    String confirmed = annotations == null ? null : annotations.get(ALLOW_DELETE);
    if (confirmed != null && !confirmed.isBlank()) {
      return;
    }
    boolean orphan = orphans(ctx.admission().options().orElse(null));
    if (orphan && !deletesVolumes) {
      return;
    }
    int replicas = StatefulSetFields.replicas(set);
    String why =
        deletesVolumes
            ? " and its volumes (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)"
            : "";
    ctx.report(
        "deleting "
            + ctx.subjectRef()
            + " would stop all "
            + replicas
            + " of its members"
            + why
            + ": annotate it first with kubectl annotate sts "
            + set.getMetadata().getName()
            + " -n "
            + ctx.namespace()
            + " "
            + ALLOW_DELETE
            + "=\"<reason>\""
            + (deletesVolumes ? "" : ", or delete it with --cascade=orphan to keep its pods"),
        "metadata.annotations");
  }

  private static boolean deletesVolumes(StatefulSet set) {
    var retention =
        set.getSpec() == null ? null : set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    return retention != null && "Delete".equals(retention.getWhenDeleted());
  }

  /**
   * Whether the DeleteOptions orphan the pods: {@code propagationPolicy: Orphan}, or the older
   * {@code orphanDependents: true} without a propagation policy. The options arrive as whatever the
   * model made of them (typed DeleteOptions, a generic resource, a map): read as a tree.
   */
  static boolean orphans(Object options) {
    if (options == null) {
      return false;
    }
    JsonNode tree;
    try {
      tree = TREES.valueToTree(options);
    } catch (IllegalArgumentException e) {
      return false;
    }
    JsonNode policy = tree.path("propagationPolicy");
    if (policy.isTextual()) {
      return "orphan".equals(policy.asText().toLowerCase(Locale.ROOT));
    }
    return tree.path("orphanDependents").asBoolean(false);
  }

  private static final ObjectMapper TREES = new ObjectMapper();
}
