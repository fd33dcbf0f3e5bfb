package io.stateguard.config;

import io.stateguard.policy.Mode;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.RuleInfo;
import java.util.List;

/** A few rules of every parameter type, and two mutations, standing in for the catalogues. */
final class TestRules {

  private TestRules() {}

  static final RuleInfo GRACE =
      new RuleInfo(
          "termination-grace-period",
          "The grace period leaves time for a clean shutdown.",
          "A killed database replays its log on start.",
          "Set terminationGracePeriodSeconds.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(ParamSpec.integer("minSeconds", 60, "Shortest grace period allowed, seconds.")));

  static final RuleInfo PROBE =
      new RuleInfo(
          "readiness-probe",
          "Every container has a readiness probe.",
          "A rolling update advances onto broken pods without one.",
          "Add a readinessProbe.",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of());

  static final RuleInfo ANTI_AFFINITY =
      new RuleInfo(
          "anti-affinity",
          "Members are spread over nodes.",
          "One node failure takes several members at once.",
          "Add pod anti-affinity.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.string("type", "preferred", "required or preferred."),
              ParamSpec.string("topologyKey", "kubernetes.io/hostname", "The spreading domain."),
              ParamSpec.bool("mutate", true, "Whether to add the affinity when missing.")));

  static final RuleInfo IMAGE_TAG =
      new RuleInfo(
          "image-tag",
          "Images name a fixed tag.",
          "A moving tag changes members on restart.",
          "Pin a version tag or a digest.",
          Mode.AUDIT,
          RuleInfo.Target.STATEFULSET,
          List.of(ParamSpec.strings("forbiddenTags", List.of("latest"), "Tags that move.")));

  static final RuleInfo PDB_QUORUM =
      new RuleInfo(
          "pdb-quorum",
          "A PDB keeps a quorum of members up.",
          "Drains would take the quorum down.",
          "Raise minAvailable.",
          Mode.ENFORCE,
          RuleInfo.Target.PDB,
          List.of());

  static final List<RuleInfo> ALL = List.of(GRACE, PROBE, ANTI_AFFINITY, IMAGE_TAG, PDB_QUORUM);

  static final MutationInfo ANTI_AFFINITY_MUTATION =
      new MutationInfo(
          "anti-affinity",
          "Adds pod anti-affinity.",
          "Members land on different nodes.",
          true,
          List.of(
              ParamSpec.oneOf("type", "preferred", List.of("preferred", "required"), "How hard."),
              ParamSpec.integer("weight", 100, 1, 100, "Weight of a preferred term.")));

  static final MutationInfo RETENTION_MUTATION =
      new MutationInfo(
          "pvc-retention",
          "Sets the claim retention policy.",
          "Orphaned claims cost money.",
          false,
          List.of(
              ParamSpec.oneOf("whenScaled", "Delete", List.of("Retain", "Delete"), "On scale.")));

  /** Mutations standing in for the catalogue in loader tests; their ids overlap rule ids. */
  static final List<MutationInfo> MUTATIONS = List.of(ANTI_AFFINITY_MUTATION, RETENTION_MUTATION);
}
