package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.RuleInfo.Target;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reports built by hand, shared by the renderer tests. */
final class Reports {

  private Reports() {}

  static final ObjectRef ZK = new ObjectRef("apps/v1", "StatefulSet", "data", "zk");
  static final ObjectRef ZK_PDB =
      new ObjectRef("policy/v1", "PodDisruptionBudget", "data", "zk-pdb");
  static final ObjectRef PG = new ObjectRef("apps/v1", "StatefulSet", "db", "pg");

  static final List<String> STATEFULSET_RULES =
      List.of("parallel-pod-management", "readiness-probe", "image-tag", "replicas-quorum");

  static final List<RuleInfo> CATALOGUE =
      List.of(
          rule("parallel-pod-management", Mode.ENFORCE, Target.STATEFULSET),
          rule("readiness-probe", Mode.WARN, Target.STATEFULSET),
          rule("image-tag", Mode.AUDIT, Target.STATEFULSET),
          rule("replicas-quorum", Mode.ENFORCE, Target.STATEFULSET),
          rule("known-traps", Mode.OFF, Target.STATEFULSET),
          rule("pdb-quorum", Mode.ENFORCE, Target.PDB),
          rule("pdb-overlap", Mode.WARN, Target.PDB));

  static RuleInfo rule(String id, Mode mode, Target target) {
    return new RuleInfo(
        id,
        "summary of " + id,
        "why " + id + " matters",
        "how to fix " + id,
        mode,
        target,
        List.of());
  }

  static final Finding PARALLEL =
      new Finding(
          "parallel-pod-management",
          Mode.ENFORCE,
          "statefulset data/zk starts all 3 members at once (podManagementPolicy: Parallel); a quorum"
              + " workload bootstraps without quorum: set podManagementPolicy: OrderedReady",
          "spec.podManagementPolicy",
          ZK,
          "default");
  static final Finding PROBE =
      new Finding(
          "readiness-probe",
          Mode.WARN,
          "container zk of statefulset data/zk has no readiness probe: add one",
          "spec.template.spec.containers[0].readinessProbe",
          ZK,
          "default");
  static final Finding TAG =
      new Finding(
          "image-tag",
          Mode.AUDIT,
          "container zk of statefulset data/zk runs zookeeper:latest: pin a version",
          "spec.template.spec.containers[0].image",
          ZK,
          "");
  static final Finding PDB_QUORUM =
      new Finding(
          "pdb-quorum",
          Mode.WARN,
          "pdb data/zk-pdb allows 2 of 3 members of statefulset data/zk down (minAvailable: 1);"
              + " quorum needs 2 up: set minAvailable: 2 or maxUnavailable: 1",
          "spec.minAvailable",
          ZK_PDB,
          "default");

  static final SourceLocation ZK_FILE = new SourceLocation("examples/zk.yaml", 1);
  static final SourceLocation ZK_PDB_FILE = new SourceLocation("examples/zk.yaml", 40);
  static final SourceLocation PG_FILE = new SourceLocation("examples/pg.yaml", 1);
  static final LoadProblem BAD =
      new LoadProblem(
          new SourceLocation("examples/bad.yaml", 3), "not a Kubernetes object: it has no kind");

  /**
   * Three objects in two files (a denied set whose findings come in rule order, not severity order;
   * a PDB with a warning; a clean set), one unreadable input, two skipped kinds.
   */
  static Report sample() {
    return new Report(
        List.of(
            new ObjectReport(
                ZK,
                ZK_FILE,
                false,
                List.of(PROBE, PARALLEL, TAG),
                STATEFULSET_RULES,
                Optional.empty()),
            new ObjectReport(
                ZK_PDB,
                ZK_PDB_FILE,
                true,
                List.of(PDB_QUORUM),
                List.of("pdb-quorum", "pdb-overlap"),
                Optional.empty()),
            new ObjectReport(PG, PG_FILE, true, List.of(), STATEFULSET_RULES, Optional.empty())),
        List.of(BAD),
        Map.of("Service", 1, "ConfigMap", 2),
        CATALOGUE,
        "1.2.3");
  }

  /** Every object passed. */
  static Report clean() {
    return new Report(
        List.of(
            new ObjectReport(PG, PG_FILE, true, List.of(), STATEFULSET_RULES, Optional.empty()),
            new ObjectReport(
                ZK_PDB, ZK_PDB_FILE, true, List.of(), List.of("pdb-quorum"), Optional.empty())),
        List.of(),
        Map.of(),
        CATALOGUE,
        "1.2.3");
  }

  /** Nothing was read at all. */
  static Report empty() {
    return new Report(List.of(), List.of(), Map.of(), CATALOGUE, "1.2.3");
  }

  /** The set is allowed only because a break-glass annotation lifted enforcement. */
  static Report exempt(String reason) {
    return new Report(
        List.of(
            new ObjectReport(
                ZK, ZK_FILE, true, List.of(PARALLEL, TAG), STATEFULSET_RULES, Optional.of(reason))),
        List.of(),
        Map.of(),
        CATALOGUE,
        "1.2.3");
  }

  /** Text no format may pass through raw: quotes, markup, line breaks, controls, bidi, emoji. */
  static final String ODD =
      "say \"no\" & <b>'stop'</b>\nline two\r\n\ttabbed \u001b[31mred\u001b[0m"
          + " nul\u0000 bell\u0007 del\u007f rtl\u202eevil\u202c sep\u2028 ünïcødé 漢字 🚀 ]]>";

  static final String LONE_SURROGATE = "half \uD83D of a pair";

  /**
   * Odd text everywhere a user's input can reach: messages, fields, policy and exemption, object
   * names, file names (spaces, unicode, a colon, backslashes, standard input), problems and kinds.
   */
  static Report odd() {
    ObjectRef weird = new ObjectRef("apps/v1", "StatefulSet", "näme space", "zk \"1\" <x>");
    ObjectRef stdin = new ObjectRef("apps/v1", "StatefulSet", "", "from-stdin");
    Finding odd = new Finding("readiness-probe", Mode.WARN, ODD, "a.b[\"c\"]\n", weird, ODD);
    Finding half = new Finding("image-tag", Mode.AUDIT, LONE_SURROGATE, "", weird, "");
    Finding enforced = new Finding("replicas-quorum", Mode.ENFORCE, ODD, "", stdin, "p");
    return new Report(
        List.of(
            new ObjectReport(
                weird,
                new SourceLocation("dir with space/ünï:cødé #1.yaml", 7),
                true,
                List.of(odd, half),
                STATEFULSET_RULES,
                Optional.of(ODD)),
            new ObjectReport(
                stdin,
                new SourceLocation("-", 0),
                false,
                List.of(enforced),
                List.of(),
                Optional.empty())),
        List.of(
            new LoadProblem(new SourceLocation("-", 12), ODD),
            new LoadProblem(new SourceLocation(".\\windows\\path.yaml", 0), LONE_SURROGATE),
            new LoadProblem(new SourceLocation("/abs/olute path.yaml", 2), "absolute")),
        Map.of("Weird<Kind>\n", 1),
        CATALOGUE,
        "1.2.3");
  }

  /** How the examples in {@code docs/report-formats.md} are rendered: at a fixed time. */
  static final Renderer.Options DOCUMENTED_OPTIONS =
      new Renderer.Options(
          false,
          false,
          ReportApi.OPENREPORTS,
          Clock.fixed(Instant.parse("2026-11-02T09:30:00Z"), ZoneOffset.UTC));

  /**
   * The report the examples in {@code docs/report-formats.md} show: a denied set with an enforced
   * and a warned finding, a clean set, a file that is not YAML, two skipped ConfigMaps. With {@code
   * onlyDenied}, just the denied set, its enforced finding and its rule (the long formats'
   * examples).
   */
  static Report documented(boolean onlyDenied) {
    ObjectRef pg = new ObjectRef("apps/v1", "StatefulSet", "db", "pg");
    Finding parallel =
        new Finding(
            "parallel-pod-management",
            Mode.ENFORCE,
            "statefulset data/zk starts all 3 members at once (podManagementPolicy: Parallel); a"
                + " quorum workload bootstraps without quorum: set podManagementPolicy:"
                + " OrderedReady",
            "spec.podManagementPolicy",
            ZK,
            "default");
    Finding probe =
        new Finding(
            "readiness-probe",
            Mode.WARN,
            "container zk of statefulset data/zk has no readiness probe: a rolling update would"
                + " advance onto broken pods; add one",
            "spec.template.spec.containers[0].readinessProbe",
            ZK,
            "default");
    RuleInfo parallelRule =
        new RuleInfo(
            "parallel-pod-management",
            "Quorum workloads start members one at a time",
            "With podManagementPolicy Parallel all members start at once and can bootstrap"
                + " without quorum.",
            "Set spec.podManagementPolicy: OrderedReady.",
            Mode.ENFORCE,
            Target.STATEFULSET,
            List.of());
    RuleInfo probeRule =
        new RuleInfo(
            "readiness-probe",
            "Every container has a readiness probe",
            "Without one a rolling update advances onto broken pods.",
            "Add a readinessProbe to each container.",
            Mode.WARN,
            Target.STATEFULSET,
            List.of());
    SourceLocation zkFile = new SourceLocation("examples/zk.yaml", 1);
    List<LoadProblem> problems =
        List.of(
            new LoadProblem(
                new SourceLocation("examples/broken.yaml", 4),
                "invalid YAML: mapping values are not allowed here"));
    if (onlyDenied) {
      return new Report(
          List.of(
              new ObjectReport(
                  ZK,
                  zkFile,
                  false,
                  List.of(parallel),
                  List.of(parallelRule.id()),
                  Optional.empty())),
          problems,
          Map.of("ConfigMap", 2),
          List.of(parallelRule),
          "0.1.0");
    }
    List<String> checked = List.of(parallelRule.id(), probeRule.id());
    return new Report(
        List.of(
            new ObjectReport(
                ZK, zkFile, false, List.of(probe, parallel), checked, Optional.empty()),
            new ObjectReport(
                pg,
                new SourceLocation("examples/pg.yaml", 1),
                true,
                List.of(),
                checked,
                Optional.empty(),
                List.of(),
                Patch.EMPTY,
                Map.of(parallelRule.id(), "default", probeRule.id(), "default"))),
        problems,
        Map.of("ConfigMap", 2),
        List.of(parallelRule, probeRule),
        "0.1.0");
  }
}
