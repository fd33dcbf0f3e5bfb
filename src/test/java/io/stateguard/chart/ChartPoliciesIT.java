package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.Policy;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policies ConfigMap, for every values file: the repository's {@code policies/*.yaml} byte for
 * byte, the files of {@code policies.files} added or replacing a shipped one, and all of it a
 * folder serve loads without a problem.
 */
class ChartPoliciesIT {

  private static final Path SHIPPED = Path.of("policies");
  private static final YAMLMapper YAML = new YAMLMapper();

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void configMapHoldsTheShippedPoliciesAndTheUsersFiles(Chart.ValueSet set) throws IOException {
    // Given
    Map<String, String> data = Chart.render(set).one(ConfigMap.class).getData();
    Map<String, JsonNode> userFiles = userFiles(set);
    Map<String, String> shipped = shipped();

    // Then every shipped file is there, unchanged, unless the user replaced it
    if (set.at("/policies/shipped").asBoolean()) {
      shipped.forEach(
          (name, content) -> {
            if (!userFiles.containsKey(name)) {
              assertThat(data.get(name))
                  .as("%s against policies/%s", name, name)
                  .isEqualTo(content);
            }
          });
    }
    // And every file of policies.files is there as given
    userFiles.forEach(
        (name, given) -> {
          assertThat(data).containsKey(name);
          if (given.isTextual()) {
            assertThat(data.get(name)).isEqualTo(given.asText());
          } else {
            assertThat(readYaml(data.get(name))).as(name).isEqualTo(given);
          }
        });
    // And nothing else
    TreeSet<String> names = new TreeSet<>(userFiles.keySet());
    if (set.at("/policies/shipped").asBoolean()) {
      names.addAll(shipped.keySet());
    }
    assertThat(data.keySet()).containsExactlyInAnyOrderElementsOf(names);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void servesLoadsThePoliciesFolderTheConfigMapBecomes(Chart.ValueSet set, @TempDir Path mounted)
      throws IOException {
    // Given the ConfigMap's files, as the kubelet mounts them (serve loads rules and mutations)
    Map<String, String> data = Chart.render(set).one(ConfigMap.class).getData();
    for (Map.Entry<String, String> file : data.entrySet()) {
      Files.writeString(mounted.resolve(file.getKey()), file.getValue());
    }

    // When
    LoadedPolicies loaded;
    try {
      loaded = PolicyLoader.load(mounted, ruleInfos(), mutationInfos());
    } catch (PolicyException e) {
      throw new AssertionError("the policies of " + set + " do not load: " + e.problems(), e);
    }

    // Then
    assertThat(loaded.policies()).isNotEmpty();
  }

  @Test
  void rolloutValuesSetEveryRuleToAudit() throws IOException, PolicyException {
    // Given the values the README's rollout starts with
    Chart.ValueSet rollout = Chart.valueSet("rollout-audit.yaml");
    String file = rollout.at("/policies/files/rollout.yaml").asText();

    // When
    Policy policy = PolicyLoader.load("rollout.yaml", file, ruleInfos()).policies().get(0);

    // Then it names every rule (one left out would keep its shipped mode), each in audit
    JsonNode rules = readYaml(file).path("spec").path("rules");
    List<String> ids = ruleInfos().stream().map(RuleInfo::id).toList();
    assertThat(fieldNames(rules)).containsExactlyInAnyOrderElementsOf(ids);
    rules.forEach(mode -> assertThat(mode.asText()).isEqualTo("audit"));
    assertThat(policy.name()).isEqualTo("rollout");
  }

  private static List<MutationInfo> mutationInfos() {
    return Mutations.all().stream().map(Mutation::info).toList();
  }

  private static List<RuleInfo> ruleInfos() {
    return Rules.all().stream().map(Rule::info).toList();
  }

  private static Map<String, String> shipped() throws IOException {
    Map<String, String> files = new HashMap<>();
    try (Stream<Path> paths = Files.list(SHIPPED)) {
      for (Path p : paths.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return files;
  }

  private static Map<String, JsonNode> userFiles(Chart.ValueSet set) {
    Map<String, JsonNode> files = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = set.at("/policies/files").fields();
    fields.forEachRemaining(e -> files.put(e.getKey(), e.getValue()));
    return files;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode readYaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not YAML: " + text, e);
    }
  }
}
