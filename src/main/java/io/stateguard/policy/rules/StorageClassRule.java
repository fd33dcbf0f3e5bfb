package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code storage-class}: the StorageClass each claim template gets exists, and allows volume
 * expansion.
 *
 * <p>The rule judges only when the view knows the cluster's StorageClasses ({@link
 * io.stateguard.policy.ClusterView#storageClassesKnown()}): a report of manifests that carry none
 * would otherwise call every class missing. A template without a class gets the cluster's default,
 * as the API server's DefaultStorageClass admission gives it to each claim: a class annotated
 * {@value #DEFAULT_ANNOTATION} (or its beta form) {@code "true"}, the most recently created one
 * when several are. A template whose class is {@code ""} asks for no class at all (it binds only to
 * PersistentVolumes without one) and is not judged; when the view lists no classes at all, neither
 * is a template without a class.
 *
 * <p>On CREATE every template is judged. Claim templates cannot change afterwards, so on UPDATE
 * only what concerns the claims a scale-up is about to create is reported: a class that is missing
 * (deleted since), or no default class; the same for a scale-up through the {@code scale}
 * subresource ({@link RuleInfo.Target#STATEFULSET_SCALE}), judged on the cluster view's copy of the
 * set, which keeps each claim template's name and class.
 */
final class StorageClassRule implements Rule {

  static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
  static final String BETA_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";

  /** The pre-storageClassName way to name a class; the volume controller still honours it. */
  static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  static final String VOLUME_EXPANSION = "volumeExpansion";

  static final RuleInfo INFO =
      new RuleInfo(
          "storage-class",
          "The claim templates' StorageClass exists and allows volume expansion",
          "A claim template naming a StorageClass the cluster does not have leaves each member's"
              + " PersistentVolumeClaim Pending (unless PersistentVolumes of that class are made by"
              + " hand): the pod is never scheduled, and with OrderedReady the set stops at that"
              + " member. A template naming none gets the cluster's default"
              + " class, and stays Pending too when there is none. A class without"
              + " allowVolumeExpansion: true cannot grow a volume in place: a member whose disk"
              + " fills has to move its data to a new claim. The rule judges only where the"
              + " cluster's classes are known: in a cluster always, in a report only when the"
              + " manifests include at least one StorageClass.",
          "Name an existing class in spec.volumeClaimTemplates[].spec.storageClassName, or mark"
              + " one class as the default (annotation "
              + DEFAULT_ANNOTATION
              + ": \"true\"; claim"
              + " templates cannot be changed later, so create the class before the set). Prefer a"
              + " class with allowVolumeExpansion: true; where classes that cannot expand are"
              + " accepted, set volumeExpansion: false for this rule in the policy.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.bool(
                  VOLUME_EXPANSION,
                  true,
                  "Report claim templates whose class does not set allowVolumeExpansion: true.")),
          List.of(RuleInfo.Target.STATEFULSET_SCALE));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    if (!ctx.view().storageClassesKnown()) {
      return;
    }
    StatefulSet set = ctx.statefulSet();
    List<PersistentVolumeClaim> templates =
        set.getSpec() == null || set.getSpec().getVolumeClaimTemplates() == null
            ? List.of()
            : set.getSpec().getVolumeClaimTemplates();
    Optional<String> growth = growth(ctx);
    if (ctx.admission().operation() == Operation.UPDATE && growth.isEmpty()) {
      return;
    }
    boolean expansion =
        ctx.admission().operation() == Operation.CREATE && ctx.params().bool(VOLUME_EXPANSION);
    for (int i = 0; i < templates.size(); i++) {
      PersistentVolumeClaim template = templates.get(i);
      if (template != null) {
        check(ctx, template, i, growth.orElse(""), expansion);
      }
    }
  }

  private static void check(
      RuleContext ctx,
      PersistentVolumeClaim template,
      int index,
      String growth,
      boolean expansion) {
    String name = template.getMetadata() == null ? null : template.getMetadata().getName();
    String key = name == null || name.isBlank() ? Integer.toString(index) : name;
    String what = ctx.subjectRef() + " claim template " + (name == null ? "#" + index : name);
    String annotated = annotations(template).get(BETA_CLASS_ANNOTATION);
    String named =
        annotated != null
            ? annotated
            : template.getSpec() == null ? null : template.getSpec().getStorageClassName();
    String field =
        annotated != null
            ? "spec.volumeClaimTemplates[" + key + "].metadata.annotations"
            : "spec.volumeClaimTemplates[" + key + "].spec.storageClassName";
    if (named != null && named.isEmpty()) {
      return; // explicitly no class: binds to PersistentVolumes without one, provisions nothing
    }
    if (named != null) {
      Optional<StorageClass> found = ctx.view().storageClass(named);
      if (found.isEmpty()) {
        ctx.report(
            growth
                + what
                + " asks for StorageClass "
                + named
                + ", which the cluster does not have: each member's PersistentVolumeClaim stays"
                + " Pending, and its pod unscheduled, unless a PersistentVolume of that class is"
                + " made for it by hand; "
                + existing(ctx)
                + "create StorageClass "
                + named
                + " or name an existing class",
            field);
      } else if (expansion) {
        checkExpansion(ctx, what, found.get(), "", field);
      }
      return;
    }
    List<StorageClass> all = ctx.view().storageClasses();
    if (all.isEmpty()) {
      return; // nothing listed to find the default among
    }
    List<StorageClass> defaults = all.stream().filter(StorageClassRule::isDefault).toList();
    if (defaults.isEmpty()) {
      ctx.report(
          growth
              + what
              + " names no StorageClass and the cluster has no default class (none of "
              + names(all)
              + " is annotated "
              + DEFAULT_ANNOTATION
              + ": \"true\"): each member's PersistentVolumeClaim stays Pending unless a"
              + " PersistentVolume without a class is made for it by hand; set storageClassName"
              + " to one of "
              + names(all)
              + ", or mark one class as the default",
          field);
      return;
    }
    if (expansion) {
      StorageClass chosen = defaults.stream().max(NEWEST).orElseThrow();
      String how =
          defaults.size() == 1
              ? " (the cluster's default class)"
              : " (the most recently created of the "
                  + defaults.size()
                  + " default classes "
                  + names(defaults)
                  + ", which the API server gives to claims naming none)";
      checkExpansion(ctx, what, chosen, how, field);
    }
  }

  private static void checkExpansion(
      RuleContext ctx, String what, StorageClass sc, String how, String field) {
    if (Boolean.TRUE.equals(sc.getAllowVolumeExpansion())) {
      return;
    }
    String name = sc.getMetadata().getName();
    ctx.report(
        what
            + " gets StorageClass "
            + name
            + how
            + ", which does not allow volume expansion (allowVolumeExpansion is not true): a"
            + " member whose volume fills cannot have its claim grown in place, only its data"
            + " moved to a new one; use a class that allows expansion, set allowVolumeExpansion:"
            + " true on StorageClass "
            + name
            + " if its provisioner ("
            + sc.getProvisioner()
            + ") can resize volumes, or set "
            + VOLUME_EXPANSION
            + ": false for "
            + INFO.id()
            + " in the policy",
        field);
  }

  /**
   * On an UPDATE that adds members, what it adds ({@code scaling statefulset data/zk from 3 to 5
   * replicas creates claims for 2 new members: }); empty when it adds none. Empty on CREATE too,
   * where every claim is new and nothing needs saying.
   */
  private static Optional<String> growth(RuleContext ctx) {
    if (ctx.admission().operation() != Operation.UPDATE
        || !(ctx.admission().oldObject().orElse(null) instanceof StatefulSet old)) {
      return Optional.empty();
    }
    int before = StatefulSetFields.replicas(old);
    int after = StatefulSetFields.replicas(ctx.statefulSet());
    if (after <= before) {
      return Optional.empty();
    }
    return Optional.of(
        "scaling "
            + ctx.subjectRef()
            + " from "
            + before
            + " to "
            + after
            + " replicas creates claims for "
            + StatefulSetFields.count(after - before, "new member")
            + ": ");
  }

  /** {@code the cluster has fast, standard (default); }, or nothing when it has no class. */
  private static String existing(RuleContext ctx) {
    List<StorageClass> all = ctx.view().storageClasses();
    if (all.isEmpty()) {
      return "";
    }
    return "the cluster has "
        + all.stream()
            .map(c -> c.getMetadata().getName() + (isDefault(c) ? " (default)" : ""))
            .sorted()
            .collect(Collectors.joining(", "))
        + "; ";
  }

  static boolean isDefault(StorageClass sc) {
    Map<String, String> annotations =
        sc.getMetadata() == null || sc.getMetadata().getAnnotations() == null
            ? Map.of()
            : sc.getMetadata().getAnnotations();
    return "true".equals(annotations.get(DEFAULT_ANNOTATION))
        || "true".equals(annotations.get(BETA_DEFAULT_ANNOTATION));
  }

  /** Orders by creation time (RFC 3339 in UTC sorts as text), then name; unset sorts first. */
  private static final Comparator<StorageClass> NEWEST =
      Comparator.comparing(
              (StorageClass c) ->
                  c.getMetadata().getCreationTimestamp() == null
                      ? ""
                      : c.getMetadata().getCreationTimestamp())
          .thenComparing(c -> c.getMetadata().getName());

  private static String names(List<StorageClass> classes) {
    return classes.stream()
        .map(c -> c.getMetadata().getName())
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static Map<String, String> annotations(PersistentVolumeClaim template) {
    return template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? Map.of()
        : template.getMetadata().getAnnotations();
  }
}
