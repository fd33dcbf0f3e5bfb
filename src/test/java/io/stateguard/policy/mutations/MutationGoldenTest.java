package io.stateguard.policy.mutations;

import static io.stateguard.policy.mutations.MutationHarness.readYaml;
import static io.stateguard.policy.mutations.MutationHarness.statefulSet;
import static io.stateguard.policy.mutations.MutationHarness.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Mutated;
import io.stateguard.policy.PolicyEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden in/out pairs: each folder under {@code MutationGoldenTest/} is one scenario, with
 *
 * <ul>
 *   <li>{@code policy.yaml}: the policies in force (the format users write);
 *   <li>{@code in.yaml}: the StatefulSet as the API server admits it;
 *   <li>{@code old.yaml}, optional: the stored set, making the admission an UPDATE;
 *   <li>{@code out.yaml}: the set after mutation (the same as {@code in.yaml} when nothing may
 *       change).
 * </ul>
 *
 * The patch, applied with zjsonpatch to {@code in.yaml} as written, must give {@code out.yaml}; a
 * second pass over the result must give an empty patch. A folder holding any other file, or a file
 * outside the folders, fails: no fixture goes unread.
 */
class MutationGoldenTest {

  private static final Path ROOT = Path.of("src/test/resources/MutationGoldenTest");
  private static final Set<String> REQUIRED = Set.of("policy.yaml", "in.yaml", "out.yaml");
  private static final Set<String> OPTIONAL = Set.of("old.yaml");

  static Stream<Path> scenarios() throws IOException {
    try (Stream<Path> listing = Files.list(ROOT)) {
      return listing.sorted().toList().stream();
    }
  }

  @Test
  void everyFileOfTheFixturesBelongsToAScenario() throws IOException {
    List<Path> scenarios = scenarios().toList();
    assertThat(scenarios).as("scenarios in %s", ROOT).hasSizeGreaterThan(10);
    for (Path scenario : scenarios) {
      assertThat(scenario).as("%s is a scenario folder", scenario).isDirectory();
      Set<String> files;
      try (Stream<Path> listing = Files.list(scenario)) {
        files = listing.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      }
      assertThat(files).as("files of %s", scenario).containsAll(REQUIRED);
      assertThat(files)
          .as("files of %s that no test reads", scenario)
          .allMatch(f -> REQUIRED.contains(f) || OPTIONAL.contains(f));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void patchTurnsTheInputIntoTheExpectedOutput(Path scenario) {
    // Given the policy, the admitted set and the expected result
    PolicyEngine engine = MutationHarness.engine(scenario.resolve("policy.yaml"));
    JsonNode in = readYaml(scenario.resolve("in.yaml"));
    JsonNode out = readYaml(scenario.resolve("out.yaml"));
    Admission admission = admission(scenario, statefulSet(in));

    // When it is mutated
    Mutated mutated = engine.mutate(admission, ClusterView.empty());

    // Then the patch applied to the input as written is the expected output, and so is the object
    assertThat(JsonPatch.apply(mutated.patch().json(), in))
        .as("%s: in.yaml with the patch %s", scenario, mutated.patch())
        .isEqualTo(out);
    assertThat(tree(mutated.object())).as("%s: the mutated object", scenario).isEqualTo(out);
    assertThat(mutated.changed())
        .as("%s: a patch exactly when out.yaml differs from in.yaml", scenario)
        .isEqualTo(!in.equals(out));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void mutatingTheOutputAgainChangesNothing(Path scenario) {
    // Given the expected output of a scenario, admitted the same way
    PolicyEngine engine = MutationHarness.engine(scenario.resolve("policy.yaml"));
    StatefulSet out = statefulSet(readYaml(scenario.resolve("out.yaml")));

    // When it is mutated again
    Mutated again = engine.mutate(admission(scenario, out), ClusterView.empty());

    // Then the patch is empty: reinvocationPolicy IfNeeded is safe
    assertThat(again.patch().isEmpty()).as("%s: second patch %s", scenario, again.patch()).isTrue();
  }

  private static Admission admission(Path scenario, StatefulSet set) {
    Path old = scenario.resolve("old.yaml");
    return Files.exists(old)
        ? MutationHarness.update(statefulSet(readYaml(old)), set)
        : MutationHarness.create(set);
  }
}
