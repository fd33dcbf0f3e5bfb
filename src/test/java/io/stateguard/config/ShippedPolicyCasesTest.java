package io.stateguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.rules.Rules;
import io.stateguard.report.Loaded;
import io.stateguard.report.Manifest;
import io.stateguard.report.ManifestLoader;
import io.stateguard.report.ObjectReport;
import io.stateguard.report.Report;
import io.stateguard.report.ReportRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the test cases of the shipped policies ({@code policies/tests/<policy>/<case>/}) with the
 * shipped policies, one dynamic test per case, and holds the runner itself to failing where it
 * must: a case without an expectation, an expected object that is not there, a finding nobody
 * expected, and a shipped policy without cases.
 */
class ShippedPolicyCasesTest {

  private static final Path POLICIES = Path.of("policies");
  private static final Path CASES = POLICIES.resolve("tests");
  private static final Path FIXTURES = Path.of("src/test/resources/ShippedPolicyCasesTest");

  private static List<String> policyNames;
  private static PolicyEngine engine;

  @BeforeAll
  static void loadTheShippedPolicies() throws PolicyException {
    List<RuleInfo> rules = Rules.all().stream().map(Rule::info).toList();
    LoadedPolicies shipped = PolicyLoader.load(POLICIES, rules);
    policyNames = shipped.policies().stream().map(Policy::name).toList();
    engine = new PolicyEngine(shipped.policySet(), Rules.all());
  }

  @TestFactory
  Stream<DynamicTest> eachCaseGetsExactlyTheVerdictsItExpects() throws IOException {
    List<Path> cases = PolicyCases.caseFolders(CASES);
    assertThat(cases).as("case folders under %s", CASES).isNotEmpty();
    return cases.stream()
        .map(
            dir ->
                DynamicTest.dynamicTest(
                    CASES.relativize(dir).toString(), () -> PolicyCases.check(dir, engine)));
  }

  @Test
  void everyShippedPolicyHasCasesAndEveryCaseFolderNamesAShippedPolicy() throws IOException {
    assertThat(PolicyCases.policiesWithoutCases(policyNames, CASES))
        .as("shipped policies without a case folder under %s", CASES)
        .isEmpty();
    assertThat(PolicyCases.foldersWithoutPolicy(policyNames, CASES))
        .as("folders under %s that name no shipped policy", CASES)
        .isEmpty();
  }

  @Test
  void casesKeepToNamespacesOfTheirOwn() throws IOException {
    // Given every case loaded at once, as `stateguard report policies/tests/` loads them
    Loaded all = new ManifestLoader("default").load(List.of(CASES.toString()), null);

    // Then no namespace holds objects of two cases, so each case gets the same verdicts together
    // as alone (budgets and Services are looked up by namespace). Cluster-scoped objects
    // (StorageClasses) have no namespace: the next test holds them to the same promise.
    Map<String, Set<Path>> casesByNamespace = new TreeMap<>();
    for (Manifest m : all.manifests()) {
      String ns = m.object().getMetadata().getNamespace();
      if (ns == null) {
        continue;
      }
      Path caseDir = Path.of(m.source().file()).getParent();
      casesByNamespace.computeIfAbsent(ns, k -> new TreeSet<>()).add(caseDir);
    }
    assertThat(casesByNamespace)
        .as("namespaces and the cases using them")
        .allSatisfy((ns, dirs) -> assertThat(dirs).as("cases in namespace %s", ns).hasSize(1));
  }

  @Test
  void everyCaseGetsTheSameVerdictsTogetherAsAlone() throws IOException {
    // Given every case reported at once, and each case alone
    Report together =
        new ReportRunner(engine)
            .run(new ManifestLoader("default").load(List.of(CASES.toString()), null));
    Map<String, String> alone = new TreeMap<>();
    for (Path dir : PolicyCases.caseFolders(CASES)) {
      Report one =
          new ReportRunner(engine)
              .run(new ManifestLoader("default").load(List.of(dir.toString()), null));
      one.objects().forEach(o -> alone.put(o.object().toString(), verdict(o)));
    }

    // Then: cluster-scoped objects of one case (StorageClasses) change nothing in another
    Map<String, String> differences = new TreeMap<>();
    together.objects().stream()
        .filter(o -> !verdict(o).equals(alone.get(o.object().toString())))
        .forEach(
            o ->
                differences.put(
                    o.object().toString(),
                    "together " + verdict(o) + ", alone " + alone.get(o.object().toString())));
    assertThat(differences).as("objects whose verdict depends on the other cases").isEmpty();
    assertThat(together.objects()).hasSize(alone.size());
  }

  /** An object's verdict and its findings' rules and modes, in a comparable form. */
  private static String verdict(ObjectReport o) {
    return (o.allowed() ? "allowed " : "denied ")
        + o.findings().stream().map(f -> f.rule() + ":" + f.mode().id()).sorted().toList();
  }

  @Test
  void theExpectationIsSkippedWhenACaseIsReportedLikeAnyFolder() {
    // Given one case folder given to the report as it is
    Path dir = CASES.resolve("quorum").resolve("parallel-denied");

    // When it is loaded
    Loaded loaded = new ManifestLoader("default").load(List.of(dir.toString()), null);

    // Then the expectation is not a problem, only a kind that is not evaluated
    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.skipped()).containsEntry(PolicyCases.KIND, 1);
  }

  @Test
  void failsOnACaseFolderWithoutExpectation() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("no-expected"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no-expected has no expected.yaml");
  }

  @Test
  void failsWhenAnExpectedObjectIsNotFound() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("object-not-found"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "StatefulSet fixtures/zk-observers: expected, but no such object is evaluated");
  }

  @Test
  void failsOnAFindingAndAVerdictNobodyExpected() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("unexpected-finding"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("StatefulSet fixtures/zk: denied, expected allowed")
        .hasMessageContaining(
            "StatefulSet fixtures/zk: unexpected finding image-tag (enforce, policy baseline)");
  }

  @Test
  void failsOnAnEvaluatedObjectTheExpectationLeavesOut() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("unlisted-object"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "PodDisruptionBudget fixtures/zk: evaluated (allowed: true) but not listed in"
                + " expected.yaml");
  }

  @Test
  void failsOnAFieldTheFormatDoesNotHave() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("unknown-field"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("spec.results[0].finding is not a field of a StatefulPolicyTest");
  }

  @Test
  void refusesAPatchUntilMutationProducesThem() {
    assertThatThrownBy(() -> PolicyCases.check(FIXTURES.resolve("patch-not-supported"), engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("spec.results[0].patch is reserved for the mutation feature");
  }

  @Test
  void findsAPolicyWithoutCasesAndAFolderWithoutPolicy(@TempDir Path root) throws IOException {
    // Given cases for baseline, an empty folder for quorum, and a folder for no policy
    Files.createDirectories(root.resolve("baseline").resolve("some-case"));
    Files.createDirectories(root.resolve("quorum"));
    Files.createDirectories(root.resolve("retired-policy").resolve("old-case"));

    // When / Then
    assertThat(PolicyCases.policiesWithoutCases(List.of("baseline", "quorum", "cache"), root))
        .containsExactly("cache", "quorum");
    assertThat(PolicyCases.foldersWithoutPolicy(List.of("baseline", "quorum", "cache"), root))
        .containsExactly("retired-policy");
  }
}
