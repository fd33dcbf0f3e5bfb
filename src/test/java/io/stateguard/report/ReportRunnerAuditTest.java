package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A report on a live cluster's objects: evaluated as stored, nothing denied, each finding with the
 * mode its policy gives it, every checked rule under the policy it ran under.
 */
class ReportRunnerAuditTest {

  private static final Path OBJECTS =
      Path.of("src/test/resources/ReportClusterIT/two-namespaces.yaml");

  private PolicyEngine engine;
  private List<HasMetadata> objects;
  private ClusterView view;

  @BeforeEach
  void clusterWithTheShippedPolicies() throws Exception {
    engine =
        new PolicyEngine(
            PolicyLoader.load(
                    Path.of("policies"),
                    Rules.all().stream().map(Rule::info).toList(),
                    Mutations.all().stream().map(Mutation::info).toList())
                .policySet(),
            Rules.all(),
            Mutations.all());
    objects = new ArrayList<>();
    new ManifestLoader("default")
        .load(List.of(OBJECTS.toString()), InputStream.nullInputStream())
        .manifests()
        .forEach(m -> objects.add(m.object()));
    view = ManifestClusterView.of(objects);
  }

  private ObjectReport object(Report report, String name) {
    return report.objects().stream()
        .filter(o -> o.object().toString().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void deniesNothingAndKeepsTheModeOfEachFinding() {
    List<Admission> decided = new ArrayList<>();

    Report report = new ReportRunner(engine).audit(objects, view, (a, v, took) -> decided.add(a));

    // Services only inform the view; the StatefulSets and the PDB are evaluated, in order
    assertThat(report.objects())
        .extracting(o -> o.object().toString())
        .containsExactly("statefulset zk/zk", "pdb zk/zk-pdb", "statefulset shop/web");
    assertThat(decided).hasSize(3);
    ObjectReport zk = object(report, "statefulset zk/zk");
    assertThat(zk.allowed()).as("a stored object is audited, never denied").isTrue();
    assertThat(zk.findings())
        .filteredOn(f -> f.rule().equals("parallel-pod-management"))
        .extracting(Finding::mode)
        .containsExactly(Mode.ENFORCE);
    assertThat(zk.source()).isEqualTo(new SourceLocation("statefulset zk/zk", 0));
    assertThat(zk.source().isLive(zk.object())).isTrue();
  }

  @Test
  void judgesTheObjectAsStoredWithoutMutations() {
    Report report = new ReportRunner(engine).audit(objects, view, (a, v, took) -> {});

    ObjectReport zk = object(report, "statefulset zk/zk");
    assertThat(zk.mutated()).isFalse();
    assertThat(zk.mutations()).isEmpty();
    StatefulSet stored = (StatefulSet) objects.get(1);
    assertThat(stored.getSpec().getTemplate().getSpec().getAffinity())
        .as("the snapshot's object is not changed")
        .isNull();
  }

  @Test
  void namesThePolicyEveryCheckedRuleRanUnder() {
    Report report = new ReportRunner(engine).audit(objects, view, (a, v, took) -> {});

    ObjectReport web = object(report, "statefulset shop/web");
    assertThat(web.findings()).isEmpty();
    assertThat(web.rulesChecked()).isNotEmpty();
    assertThat(web.rulePolicies().keySet()).containsExactlyInAnyOrderElementsOf(web.rulesChecked());
    ObjectReport pdb = object(report, "pdb zk/zk-pdb");
    assertThat(pdb.rulesChecked()).allSatisfy(rule -> assertThat(pdb.policyOf(rule)).isNotEmpty());
    assertThat(pdb.policyOf("pdb-quorum")).isEqualTo("quorum");
  }

  @Test
  void givesOneVersionOfAnObjectOneStableId() {
    HasMetadata set = objects.get(1);
    set.getMetadata().setUid("4b0e-uid");
    set.getMetadata().setResourceVersion("41");
    String first = ReportRunner.liveUid(set);

    assertThat(ReportRunner.liveUid(set)).isEqualTo(first);
    set.getMetadata().setResourceVersion("42");
    assertThat(ReportRunner.liveUid(set)).as("a new version is a new decision").isNotEqualTo(first);
  }
}
