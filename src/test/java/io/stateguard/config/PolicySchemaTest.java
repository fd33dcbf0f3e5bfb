package io.stateguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicySchemaTest {

  private static final Path SCHEMA_FILE = Path.of("docs/policy.schema.json");
  private static final Path SAMPLES = Path.of("src/test/resources/PolicySchemaTest");
  private static final String EXPECT = "# expect: ";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<MutationInfo> MUTATIONS =
      Mutations.all().stream().map(Mutation::info).toList();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  @Test
  void checkedInSchemaIsGeneratedFromTheRuleCatalogue() throws IOException {
    // Given the catalogues of rules and mutations
    List<RuleInfo> rules = Rules.all().stream().map(Rule::info).toList();

    // When the schema is generated from them
    String generated = PolicySchema.generate(rules, MUTATIONS);

    // Then docs/policy.schema.json is exactly that text
    if (Boolean.getBoolean("stateguard.regenerate")) {
      Files.createDirectories(SCHEMA_FILE.getParent());
      Files.writeString(SCHEMA_FILE, generated, StandardCharsets.UTF_8);
    }
    assertThat(SCHEMA_FILE)
        .as(
            "%s is out of date with the rules; regenerate it with"
                + " mvn -B -ntp test -Dtest=PolicySchemaTest -Dstateguard.regenerate=true",
            SCHEMA_FILE)
        .exists();
    assertThat(Files.readString(SCHEMA_FILE, StandardCharsets.UTF_8))
        .as(
            "%s is out of date with the rules; regenerate it with"
                + " mvn -B -ntp test -Dtest=PolicySchemaTest -Dstateguard.regenerate=true",
            SCHEMA_FILE)
        .isEqualTo(generated);
  }

  @Test
  void describesEachRuleWithItsParametersTypesAndDefaults() throws IOException {
    // Given rules with parameters of every type
    // When the schema is generated for them
    JsonNode rules =
        JSON.readTree(PolicySchema.generate(TestRules.ALL)).at("/properties/spec/properties/rules");

    // Then each rule is a property, sorted by id, that takes a mode or a map of mode and params
    assertThat(rules.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(rules.path("properties").fieldNames())
        .toIterable()
        .containsExactly(
            "anti-affinity",
            "image-tag",
            "pdb-quorum",
            "readiness-probe",
            "termination-grace-period");
    JsonNode grace = rules.at("/properties/termination-grace-period");
    assertThat(grace.path("description").asText())
        .isEqualTo("The grace period leaves time for a clean shutdown. Default mode: warn.");
    assertThat(grace.at("/anyOf/0/$ref").asText()).isEqualTo("#/$defs/mode");
    JsonNode params = grace.at("/anyOf/1/properties");
    assertThat(params.fieldNames()).toIterable().containsExactly("mode", "minSeconds");
    assertThat(params.at("/minSeconds/type").asText()).isEqualTo("integer");
    assertThat(params.at("/minSeconds/default").asInt()).isEqualTo(60);
    JsonNode affinity = rules.at("/properties/anti-affinity/anyOf/1/properties");
    assertThat(affinity.at("/type/type").asText()).isEqualTo("string");
    assertThat(affinity.at("/type/default").asText()).isEqualTo("preferred");
    assertThat(affinity.at("/mutate/type").asText()).isEqualTo("boolean");
    assertThat(affinity.at("/mutate/default").asBoolean()).isTrue();
    JsonNode tags = rules.at("/properties/image-tag/anyOf/1/properties/forbiddenTags");
    assertThat(tags.at("/type").asText()).isEqualTo("array");
    assertThat(tags.at("/items/type").asText()).isEqualTo("string");
    assertThat(tags.at("/default/0").asText()).isEqualTo("latest");
    assertThat(rules.at("/properties/readiness-probe/anyOf/1/properties").fieldNames())
        .toIterable()
        .containsExactly("mode");
  }

  @Test
  void generatesTheSameTextWhateverTheOrderOfTheRules() {
    // Given the same rules in two orders
    List<RuleInfo> reversed = new ArrayList<>(TestRules.ALL);
    java.util.Collections.reverse(reversed);

    // When a schema is generated from each
    // Then the texts are equal, pretty-printed and ending in a newline
    String schema = PolicySchema.generate(TestRules.ALL);
    assertThat(PolicySchema.generate(reversed)).isEqualTo(schema);
    assertThat(schema).startsWith("{\n  \"$schema\": ").endsWith("}\n");
  }

  @Test
  void generatesASchemaThatRejectsEveryRuleWhenThereAreNone() throws IOException {
    // Given no rules at all
    JsonSchema schema = FACTORY.getSchema(PolicySchema.generate(List.of()));

    // When a policy configures one
    JsonNode policy =
        JSON.readTree(
            """
            {"apiVersion": "stateguard.io/v1", "kind": "StatefulPolicy",
             "metadata": {"name": "p"}, "spec": {"rules": {"readiness-probe": "warn"}}}
            """);

    // Then it is not valid
    assertThat(schema.validate(policy)).isNotEmpty();
  }

  @Test
  void isAValidDraft202012Schema() throws IOException {
    // Given the JSON Schema meta-schema of draft 2020-12
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    // When the generated schema is validated against it
    Set<ValidationMessage> messages =
        meta.validate(JSON.readTree(PolicySchema.generate(TestRules.ALL, TestRules.MUTATIONS)));

    // Then it is valid
    assertThat(messages).isEmpty();
  }

  @Test
  void rejectsARuleWithAParameterNamedMode() {
    // Given a rule whose parameter would collide with the mode key
    RuleInfo rule =
        new RuleInfo(
            "odd-rule",
            "s",
            "w",
            "f",
            Mode.WARN,
            RuleInfo.Target.STATEFULSET,
            List.of(ParamSpec.string("mode", "x", "collides")));

    // When a schema is generated
    // Then that is refused
    assertThatThrownBy(() -> PolicySchema.generate(List.of(rule)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd-rule has a parameter named mode");
  }

  static Stream<Path> validSamples() throws IOException {
    return samples("valid");
  }

  static Stream<Path> invalidSamples() throws IOException {
    return samples("invalid");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSamples")
  void acceptsAValidSampleAsTheLoaderDoes(Path sample) throws Exception {
    // Given a valid policy file
    // When the schema and the loader check it
    // Then the schema finds nothing in any document, and the loader loads it
    JsonSchema schema =
        FACTORY.getSchema(PolicySchema.generate(TestRules.ALL, TestRules.MUTATIONS));
    for (JsonNode document : documents(sample)) {
      assertThat(schema.validate(document)).as("%s: %s", sample, document).isEmpty();
    }
    assertThat(PolicyLoader.load(sample, TestRules.ALL, TestRules.MUTATIONS).policies())
        .isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSamples")
  void rejectsAnInvalidSampleAsTheLoaderDoes(Path sample) throws Exception {
    // Given an invalid policy file that says which problem the loader reports
    String text = Files.readString(sample);
    assertThat(text).as("%s must start with '%s'", sample, EXPECT).startsWith(EXPECT);
    String expected =
        sample + ":" + text.lines().findFirst().orElseThrow().substring(EXPECT.length());

    // When the schema and the loader check it
    JsonSchema schema =
        FACTORY.getSchema(PolicySchema.generate(TestRules.ALL, TestRules.MUTATIONS));
    List<JsonNode> documents = documents(sample);

    // Then the schema finds a problem, and the loader reports exactly the expected one
    assertThat(documents).hasSize(1);
    assertThat(schema.validate(documents.get(0))).as("%s", sample).isNotEmpty();
    try {
      PolicyLoader.load(sample, TestRules.ALL, TestRules.MUTATIONS);
      throw new AssertionError(sample + " should not load");
    } catch (PolicyException e) {
      assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(expected);
    }
  }

  @Test
  void shippedPoliciesFollowTheSchema() throws Exception {
    // Given the policies shipped in policies/, if there are any yet
    Path shipped = Path.of("policies");
    List<Path> files;
    try (Stream<Path> listing = Files.isDirectory(shipped) ? Files.list(shipped) : Stream.empty()) {
      files =
          listing
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .toList();
    }
    assertThat(files).as("shipped policies in %s", shipped).isNotEmpty();

    // When each is checked against the schema of the real catalogues
    List<RuleInfo> rules = Rules.all().stream().map(Rule::info).toList();
    JsonSchema schema = FACTORY.getSchema(PolicySchema.generate(rules, MUTATIONS));

    // Then every document is valid
    for (Path file : files) {
      for (JsonNode document : documents(file)) {
        assertThat(schema.validate(document)).as("%s", file).isEmpty();
      }
    }
  }

  private static Stream<Path> samples(String folder) throws IOException {
    try (Stream<Path> listing = Files.list(SAMPLES.resolve(folder))) {
      List<Path> files = listing.sorted().toList();
      assertThat(files).as("samples in %s", folder).isNotEmpty();
      assertThat(files)
          .as("every sample is a .yaml file, so none goes unread")
          .allMatch(p -> p.toString().endsWith(".yaml"));
      return files.stream();
    }
  }

  /**
   * The documents of a YAML file as JSON trees, read as the loader reads them (YAML 1.2 scalars, as
   * editors read them too).
   */
  private static List<JsonNode> documents(Path file) throws IOException {
    Problems problems = new Problems(file.toString());
    List<TreeReader.Document> documents = TreeReader.read(Files.readString(file), false, problems);
    assertThat(problems.sorted()).as("%s must be well-formed YAML", file).isEmpty();
    return documents.stream()
        .map(d -> JSON.valueToTree(Node.plain(d.root())))
        .map(JsonNode.class::cast)
        .toList();
  }
}
