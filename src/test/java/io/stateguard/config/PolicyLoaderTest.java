package io.stateguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Policy;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.WorkloadClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

  private static final Path RESOURCES = Path.of("src/test/resources/PolicyLoaderTest");

  private static final String MINIMAL =
      """
      apiVersion: stateguard.io/v1
      kind: StatefulPolicy
      metadata:
        name: minimal
      spec: {}
      """;

  @Test
  void readsEveryFieldOfAFullPolicyIntoTheRecords() throws Exception {
    // Given a policy file that uses every field of the format
    Path file = RESOURCES.resolve("full/quorum-systems.yaml");

    // When it is loaded
    LoadedPolicies loaded = PolicyLoader.load(file, TestRules.ALL);

    // Then the record holds exactly what the file says
    Policy expected =
        new Policy(
            "quorum-systems",
            file.toString(),
            10,
            new Policy.Match(
                List.of("data-*", "kafka"),
                List.of("kube-system"),
                new LabelSelector(
                    List.of(
                        new LabelSelectorRequirement("tier", "In", List.of("gold", "silver")),
                        new LabelSelectorRequirement("stateguard.io/skip", "DoesNotExist", null)),
                    Map.of("app.kubernetes.io/part-of", "storage")),
                Set.of(WorkloadClass.QUORUM, WorkloadClass.DATABASE)),
            List.of(
                new Policy.Classifier(
                    WorkloadClass.QUORUM, List.of("*zookeeper*", "*etcd*"), Map.of()),
                new Policy.Classifier(
                    WorkloadClass.QUORUM,
                    List.of(),
                    Map.of("app.kubernetes.io/component", "controller")),
                new Policy.Classifier(
                    WorkloadClass.CACHE, List.of("*redis*"), Map.of("role", "cache"))),
            Optional.of(new QuorumSize(QuorumSize.Kind.PERCENT, 60)),
            Map.of(
                "termination-grace-period",
                new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of("minSeconds", 120)),
                "readiness-probe",
                new Policy.RuleSetting(Optional.of(Mode.ENFORCE), Map.of()),
                "anti-affinity",
                new Policy.RuleSetting(
                    Optional.empty(),
                    Map.of(
                        "type", "required",
                        "topologyKey", "topology.kubernetes.io/zone",
                        "mutate", false)),
                "image-tag",
                new Policy.RuleSetting(
                    Optional.empty(), Map.of("forbiddenTags", List.of("latest", "main"))),
                "pdb-quorum",
                new Policy.RuleSetting(Optional.of(Mode.OFF), Map.of())),
            new Policy.Exemptions(
                List.of("admin@example.com"),
                List.of("system:masters"),
                List.of("kube-system/statefulset-controller"),
                List.of("sandbox-*"),
                "example.com/override"));
    assertThat(loaded.policies()).containsExactly(expected);
  }

  @Test
  void fillsDefaultsForEverythingAMinimalPolicyLeavesOut() throws Exception {
    // Given a policy with an empty spec
    // When it is loaded
    Policy policy = PolicyLoader.load("minimal.yaml", MINIMAL, TestRules.ALL).policies().get(0);

    // Then it matches everything, sets no quorum and no rule, and keeps the default break-glass
    assertThat(policy.name()).isEqualTo("minimal");
    assertThat(policy.source()).isEqualTo("minimal.yaml");
    assertThat(policy.priority()).isZero();
    assertThat(policy.match()).isEqualTo(Policy.Match.ALL);
    assertThat(policy.classifiers()).isEmpty();
    assertThat(policy.quorum()).isEmpty();
    assertThat(policy.rules()).isEmpty();
    assertThat(policy.exemptions()).isEqualTo(Policy.Exemptions.NONE);
    assertThat(policy.exemptions().breakGlassAnnotation()).isEqualTo("stateguard.io/break-glass");
  }

  @Test
  void readsEveryDocumentOfAMultiDocumentFileAndSkipsEmptyOnes() throws Exception {
    // Given a file of two policies, an empty document and a trailing separator
    // When it is loaded
    LoadedPolicies loaded = PolicyLoader.load(RESOURCES.resolve("multi"), TestRules.ALL);

    // Then both policies are there, in file order
    assertThat(loaded.policies()).extracting(Policy::name).containsExactly("baseline", "databases");
    Policy databases = loaded.policies().get(1);
    assertThat(databases.priority()).isEqualTo(5);
    assertThat(databases.quorum()).contains(new QuorumSize(QuorumSize.Kind.COUNT, 2));
    assertThat(databases.match().classes()).containsExactly(WorkloadClass.DATABASE);
    assertThat(loaded.policies().get(0).rules().get("readiness-probe").mode()).contains(Mode.WARN);
  }

  @Test
  void readsOnlyTheVisiblePolicyFilesOfADirectoryInNameOrder() throws Exception {
    // Given a directory with YAML, YML and JSON policies, a hidden file, a text file and a
    // subdirectory (all three of which would fail to load)
    // When it is loaded
    LoadedPolicies loaded = PolicyLoader.load(RESOURCES.resolve("directory"), TestRules.ALL);

    // Then exactly the three policy files are read, sorted by file name
    assertThat(loaded.policies())
        .extracting(Policy::name)
        .containsExactly("baseline", "caches", "quorum");
    assertThat(loaded.policies())
        .extracting(Policy::source)
        .containsExactly(
            RESOURCES.resolve("directory/a-baseline.yaml").toString(),
            RESOURCES.resolve("directory/b-caches.yml").toString(),
            RESOURCES.resolve("directory/c-quorum.json").toString());
    assertThat(loaded.policies().get(1).rules().get("termination-grace-period").mode())
        .contains(Mode.OFF);
    assertThat(loaded.policies().get(2).quorum()).contains(QuorumSize.MAJORITY);
  }

  @Test
  void readsAnUnquotedOffAsTheModeOffAsYaml12Does() throws Exception {
    // Given a rule switched off without quotes (a boolean in YAML 1.1)
    String yaml =
        """
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: quiet
        spec:
          rules:
            readiness-probe: off
            termination-grace-period: {mode: off}
        """;

    // When it is loaded
    Policy policy = PolicyLoader.load("quiet.yaml", yaml, TestRules.ALL).policies().get(0);

    // Then both rules are off
    assertThat(policy.rules().get("readiness-probe").mode()).contains(Mode.OFF);
    assertThat(policy.rules().get("termination-grace-period").mode()).contains(Mode.OFF);
  }

  @Test
  void givesTheSameVersionForTheSameFilesWhereverTheyAreRead() throws Exception {
    // Given one policy read from a directory and the same text read directly
    String text = Files.readString(RESOURCES.resolve("directory/a-baseline.yaml"));
    Path dir = RESOURCES.resolve("multi");

    // When both are loaded, and once more
    String fromText = PolicyLoader.load("elsewhere/a-baseline.yaml", text, TestRules.ALL).version();
    String again = PolicyLoader.load("a-baseline.yaml", text, TestRules.ALL).version();
    String other = PolicyLoader.load(dir, TestRules.ALL).version();

    // Then the same name and bytes give the same version, other files another
    assertThat(fromText).matches("sha256:[0-9a-f]{64}").isEqualTo(again).isNotEqualTo(other);
    assertThat(PolicyLoader.load(dir, TestRules.ALL).version()).isEqualTo(other);
  }

  @Test
  void givesAnotherVersionWhenOneByteChanges() throws Exception {
    // Given two texts that differ in one character
    String changed = MINIMAL.replace("{}", "{ }");

    // When both are loaded
    String before = PolicyLoader.load("p.yaml", MINIMAL, TestRules.ALL).version();
    String after = PolicyLoader.load("p.yaml", changed, TestRules.ALL).version();

    // Then their versions differ
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void givesAPolicySetOfTheLoadedPolicies() throws Exception {
    // Given loaded policies of different priorities
    LoadedPolicies loaded = PolicyLoader.load(RESOURCES.resolve("multi"), TestRules.ALL);

    // When a policy set is made of them
    // Then it orders them lowest priority first
    assertThat(loaded.policySet().policies())
        .extracting(Policy::name)
        .containsExactly("baseline", "databases");
  }

  @Test
  void acceptsAByteOrderMark() throws Exception {
    // Given a file saved with a UTF-8 byte order mark
    // When it is loaded
    // Then the mark is no part of the first key
    assertThat(PolicyLoader.load("bom.yaml", "\uFEFF" + MINIMAL, TestRules.ALL).policies())
        .extracting(Policy::name)
        .containsExactly("minimal");
  }

  @Test
  void readsASinglePolicyFileWhateverItsExtension(@TempDir Path dir) throws Exception {
    // Given a policy file named by the user directly
    Path file = dir.resolve("policy.conf");
    Files.writeString(file, MINIMAL);

    // When it is loaded
    // Then it is read as YAML
    assertThat(PolicyLoader.load(file, TestRules.ALL).policies()).hasSize(1);
  }

  @Test
  void rejectsARuleListThatAPolicyCouldNotAddress() {
    // Given two rules with one id
    // When policies are loaded against them
    // Then that is a programming error, not a policy problem
    assertThatThrownBy(
            () -> PolicyLoader.load("p.yaml", MINIMAL, List.of(TestRules.PROBE, TestRules.PROBE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two rules have the id readiness-probe");
  }

  @Test
  void loadsNothingFromAnEmptyDirectory(@TempDir Path dir) throws IOException {
    // Given a directory without policy files
    Files.writeString(dir.resolve("README.md"), "# policies\n");

    // When it is loaded
    // Then that is an error: a policy directory without policies is a mistake
    assertThatThrownBy(() -> PolicyLoader.load(dir, TestRules.ALL))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "invalid policy: "
                + dir
                + ": no policy files (*.yaml, *.yml, *.json) in this directory");
  }
}
