package io.stateguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a policy file can be wrong, with the exact problem the loader reports for it. */
class PolicyLoaderErrorsTest {

  /** Lines 1 to 5 of every policy below; its spec starts on line 6. */
  private static final String HEAD =
      """
      apiVersion: stateguard.io/v1
      kind: StatefulPolicy
      metadata:
        name: quorum-systems
      spec:
      """;

  private static final String KNOWN_RULES =
      "anti-affinity, image-tag, pdb-quorum, readiness-probe, termination-grace-period";

  /** The problems of loading {@code text} as {@code quorum.yaml}, which must fail. */
  private static List<String> problems(String text) {
    return problems("quorum.yaml", text);
  }

  private static List<String> problems(String source, String text) {
    try {
      PolicyLoader.load(source, text, TestRules.ALL);
    } catch (PolicyException e) {
      return e.problems().stream().map(PolicyProblem::toString).toList();
    }
    return fail("loading should have failed:\n" + text);
  }

  private static List<String> problems(Path path) {
    try {
      PolicyLoader.load(path, TestRules.ALL);
    } catch (PolicyException e) {
      return e.problems().stream().map(PolicyProblem::toString).toList();
    }
    return fail("loading " + path + " should have failed");
  }

  @Test
  void rejectsAnUnknownTopLevelField() {
    assertThat(problems(HEAD.replace("spec:", "spec: {}") + "status: {}\n"))
        .containsExactly(
            "quorum.yaml:6:1: status: unknown field (known: apiVersion, kind, metadata, spec)");
  }

  @Test
  void rejectsAnUnknownFieldOfSpecAndOfMetadata() {
    String text =
        """
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: quorum-systems
          namespace: data
        spec:
          prority: 10
        """;
    assertThat(problems(text))
        .containsExactly(
            "quorum.yaml:5:3: metadata.namespace: unknown field (known: name, labels,"
                + " annotations)",
            "quorum.yaml:7:3: spec.prority: unknown field (known: priority, description, match,"
                + " classify, quorum, rules, mutations, exemptions)");
  }

  @Test
  void rejectsAValueOfTheWrongType() {
    assertThat(problems(HEAD + "  priority: high\n  description:\n"))
        .containsExactly(
            "quorum.yaml:6:13: spec.priority: expected an integer, got string \"high\"",
            "quorum.yaml:7:15: spec.description: expected a string, got null");
  }

  @Test
  void rejectsAnUnknownRuleSuggestingTheNearestId() {
    String spec =
        """
          rules:
            readiness-prob: enforce
            liveness: enforce
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:5: spec.rules.readiness-prob: unknown rule readiness-prob (did you mean"
                + " readiness-probe?)",
            "quorum.yaml:8:5: spec.rules.liveness: unknown rule liveness (known: "
                + KNOWN_RULES
                + ")");
  }

  @Test
  void rejectsAnUnknownParameterOfARule() {
    String spec =
        """
          rules:
            termination-grace-period:
              mode: warn
              minSecond: 60
            readiness-probe: {mode: warn, timeout: 5}
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:9:7: spec.rules.termination-grace-period.minSecond: unknown parameter of"
                + " rule termination-grace-period (known: minSeconds)",
            "quorum.yaml:10:35: spec.rules.readiness-probe.timeout: unknown parameter of rule"
                + " readiness-probe (it takes none, only mode)");
  }

  @Test
  void rejectsParametersOfTheWrongType() {
    String spec =
        """
          rules:
            termination-grace-period:
              minSeconds: "60"
            anti-affinity:
              mutate: yes
              topologyKey: 3
            image-tag:
              forbiddenTags: [latest, 7]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:8:19: spec.rules.termination-grace-period.minSeconds: expected an"
                + " integer, got string \"60\"",
            "quorum.yaml:10:15: spec.rules.anti-affinity.mutate: expected true or false, got"
                + " string \"yes\"",
            "quorum.yaml:11:20: spec.rules.anti-affinity.topologyKey: expected a string, got"
                + " integer 3",
            "quorum.yaml:13:31: spec.rules.image-tag.forbiddenTags[1]: expected a string, got"
                + " integer 7");
  }

  @Test
  void rejectsAnIntegerParameterBeyondTheRangeOfAnInt() {
    String spec =
        """
          rules:
            termination-grace-period: {minSeconds: 99999999999}
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:44: spec.rules.termination-grace-period.minSeconds: integer 99999999999"
                + " is out of range (-2147483648 to 2147483647)");
  }

  @Test
  void rejectsABadMode() {
    String spec =
        """
          rules:
            readiness-probe: enforced
            termination-grace-period:
              mode: true
            anti-affinity: [warn]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:22: spec.rules.readiness-probe: unknown mode \"enforced\" (expected"
                + " enforce, warn, audit or off)",
            "quorum.yaml:9:13: spec.rules.termination-grace-period.mode: expected a string, got"
                + " boolean true",
            "quorum.yaml:10:20: spec.rules.anti-affinity: expected a mode (enforce, warn, audit or"
                + " off) or a map of mode and parameters, got a list");
  }

  @Test
  void rejectsAnUnknownWorkloadClass() {
    String spec =
        """
          match:
            classes: [quorum, db]
          classify:
            - class: databse
              images: ["*postgres*"]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:23: spec.match.classes[1]: unknown workload class \"db\" (known:"
                + " quorum, database, cache, default)",
            "quorum.yaml:9:14: spec.classify[0].class: unknown workload class \"databse\" (known:"
                + " quorum, database, cache, default)");
  }

  @Test
  void rejectsAClassifierWithNeitherImagesNorLabels() {
    String spec =
        """
          classify:
            - class: quorum
              images: []
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:7: spec.classify[0]: a classifier needs at least one image pattern or"
                + " label");
  }

  @Test
  void rejectsAQuorumThatIsNotMajorityANumberOrAPercentage() {
    String expected = "expected majority, a number of members (3) or a percentage (\"60%\")";
    assertThat(problems(HEAD + "  quorum: two\n"))
        .containsExactly("quorum.yaml:6:11: spec.quorum: " + expected + ", got \"two\"");
    assertThat(problems(HEAD + "  quorum: 1.5\n"))
        .containsExactly("quorum.yaml:6:11: spec.quorum: " + expected + ", got number 1.5");
    assertThat(problems(HEAD + "  quorum: 0\n"))
        .containsExactly(
            "quorum.yaml:6:11: spec.quorum: a quorum must be at least 1 member, got 0");
    assertThat(problems(HEAD + "  quorum: 150%\n"))
        .containsExactly(
            "quorum.yaml:6:11: spec.quorum: a quorum percentage must be 1% to 100%, got 150%");
    assertThat(problems(HEAD + "  quorum: \"3\"\n"))
        .containsExactly(
            "quorum.yaml:6:11: spec.quorum: write a number of members without quotes (quorum: 3)");
  }

  @Test
  void rejectsPatternsThatCanNeverMatch() {
    String spec =
        """
          match:
            namespaces: [Kube_System]
          classify:
            - class: quorum
              images: ["zoo keeper"]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:18: spec.match.namespaces[0]: \"Kube_System\" is not a namespace"
                + " pattern: lower-case letters, digits and '-', with * for any run and ? for one"
                + " character",
            "quorum.yaml:10:16: spec.classify[0].images[0]: \"zoo keeper\" is not an image"
                + " pattern: no blanks, with * for any run and ? for one character");
  }

  @Test
  void rejectsAMalformedLabelSelector() {
    String spec =
        """
          match:
            selector:
              matchLabels:
                "bad key!": x
              matchExpressions:
                - key: tier
                  operator: in
                  values: [gold]
                - key: tier
                  operator: In
                - key: tier
                  operator: Exists
                  values: [gold]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:9:9: spec.match.selector.matchLabels[\"bad key!\"]: \"bad key!\" is not a"
                + " label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-',"
                + " '_' and '.', starting and ending with a letter or digit",
            "quorum.yaml:12:21: spec.match.selector.matchExpressions[0].operator: unknown operator"
                + " \"in\" (expected In, NotIn, Exists or DoesNotExist)",
            "quorum.yaml:14:11: spec.match.selector.matchExpressions[1].values: operator In needs"
                + " at least one value",
            "quorum.yaml:18:19: spec.match.selector.matchExpressions[2].values: operator Exists"
                + " takes no values");
  }

  @Test
  void rejectsMalformedExemptions() {
    String spec =
        """
          exemptions:
            serviceAccounts: [statefulset-controller]
            breakGlassAnnotation: "break glass"
            users: [""]
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:7:23: spec.exemptions.serviceAccounts[0]: \"statefulset-controller\" is"
                + " not a service account as namespace/name, like"
                + " kube-system/statefulset-controller",
            "quorum.yaml:8:27: spec.exemptions.breakGlassAnnotation: \"break glass\" is not an"
                + " annotation key (like stateguard.io/break-glass), or \"\" to disable"
                + " break-glass",
            "quorum.yaml:9:13: spec.exemptions.users[0]: \"\" is not a name (it is blank)");
  }

  @Test
  void rejectsAPolicyNameThatIsNotAKubernetesName() {
    assertThat(problems(HEAD.replace("quorum-systems", "Quorum_Systems") + "  priority: 1\n"))
        .containsExactly(
            "quorum.yaml:4:9: metadata.name: \"Quorum_Systems\" is not a valid name: lower-case"
                + " letters, digits, '-' and '.', starting and ending with a letter or digit, at"
                + " most 253 characters");
  }

  @Test
  void rejectsMissingRequiredFieldsAtTheirParent() {
    assertThat(problems("kind: StatefulPolicy\nmetadata: {name: a}\nspec: {}\n"))
        .containsExactly("quorum.yaml:1:1: apiVersion: required field is missing");
    assertThat(problems("apiVersion: stateguard.io/v1\nmetadata: {name: a}\nspec: {}\n"))
        .containsExactly("quorum.yaml:1:1: kind: required field is missing");
    assertThat(problems("apiVersion: stateguard.io/v1\nkind: StatefulPolicy\n"))
        .containsExactly(
            "quorum.yaml:1:1: metadata: required field is missing",
            "quorum.yaml:1:1: spec: required field is missing");
    assertThat(
            problems(HEAD.replace("  name: quorum-systems", "  labels: {a: b}") + "  quorum: 3\n"))
        .containsExactly("quorum.yaml:3:1: metadata.name: required field is missing");
  }

  @Test
  void rejectsAnotherApiVersionOrKindWithoutReadingTheRest() {
    // An apps/v1 StatefulSet in the policy folder: its own fields would only be noise.
    String text =
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: zk
        spec:
          replicas: 3
        """;
    assertThat(problems(text))
        .containsExactly(
            "quorum.yaml:1:13: apiVersion: unsupported apiVersion \"apps/v1\" (expected"
                + " stateguard.io/v1)",
            "quorum.yaml:2:7: kind: expected kind StatefulPolicy, got \"StatefulSet\"");
    assertThat(problems(HEAD.replace("v1", "v2") + "  priority: x\n"))
        .containsExactly(
            "quorum.yaml:1:13: apiVersion: unsupported apiVersion \"stateguard.io/v2\" (expected"
                + " stateguard.io/v1)");
  }

  @Test
  void rejectsADocumentThatIsNotAMap() {
    assertThat(problems("- a\n- b\n"))
        .containsExactly(
            "quorum.yaml:1:1: expected a StatefulPolicy (a map of apiVersion, kind, metadata,"
                + " spec), got a list");
  }

  @Test
  void rejectsAnEmptyFile() {
    String expected = "quorum.yaml: contains no policy (the file is empty, or only comments)";
    assertThat(problems("")).containsExactly(expected);
    assertThat(problems("# nothing here yet\n---\n")).containsExactly(expected);
  }

  @Test
  void rejectsInvalidYamlAtTheLineOfTheError() {
    String text =
        """
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: quorum-systems
            labels: x
        spec: {}
        """;
    assertThat(problems(text))
        .containsExactly("quorum.yaml:5:11: invalid YAML: mapping values are not allowed here");
  }

  @Test
  void namesTheConstructAnUnclosedBracketLeftOpen() {
    String text = HEAD + "  match:\n    namespaces: [data\n  quorum: 3\n";
    assertThat(problems(text))
        .containsExactly(
            "quorum.yaml:8:9: invalid YAML: while parsing a flow sequence at line 7, column 17:"
                + " expected ',' or ']', but got :");
  }

  @Test
  void placesAnUnterminatedQuoteAtTheEndOfTheText() {
    assertThat(problems(HEAD + "  description: 'unfinished\n"))
        .containsExactly(
            "quorum.yaml:7:1: invalid YAML: while scanning a quoted scalar at line 6, column 16:"
                + " found unexpected end of stream");
  }

  @Test
  void rejectsControlCharactersAtTheirPosition() {
    assertThat(problems(HEAD + "  description: a\u0000b\n"))
        .containsExactly(
            "quorum.yaml:6:17: character U+0000 is not allowed in YAML: is this a binary file?");
  }

  @Test
  void rejectsDocumentsNestedBeyondAnyPolicy() {
    assertThat(problems(HEAD + "  description: " + "[".repeat(100) + "\n"))
        .singleElement()
        .asString()
        .endsWith(": invalid YAML: nested more than 64 levels deep");
  }

  @Test
  void rejectsInvalidJson() {
    assertThat(problems("quorum.json", "{\"apiVersion\": \"stateguard.io/v1\",}"))
        .containsExactly(
            "quorum.json:1:35: invalid JSON: Unexpected character ('}' (code 125)): was"
                + " expecting double-quote to start field name");
  }

  @Test
  void reportsProblemsOfJsonAtTheirLines() {
    String json =
        """
        {
          "apiVersion": "stateguard.io/v1",
          "kind": "StatefulPolicy",
          "metadata": {"name": "a", "name": "b"},
          "spec": {"rules": {"readiness-probe": "on"}}
        }
        """;
    assertThat(problems("quorum.json", json))
        .containsExactly(
            "quorum.json:4:29: metadata.name: duplicate key (first at line 4)",
            "quorum.json:5:41: spec.rules.readiness-probe: unknown mode \"on\" (expected enforce,"
                + " warn, audit or off)");
  }

  @Test
  void listsEveryProblemOnItsOwnLineInTheExceptionMessage() {
    try {
      PolicyLoader.load("quorum.yaml", HEAD + "  priority: x\n  quorum: y\n", TestRules.ALL);
      fail("loading should have failed");
    } catch (PolicyException e) {
      assertThat(e.getMessage())
          .isEqualTo(
              "2 problems in policies:\n"
                  + "  quorum.yaml:6:13: spec.priority: expected an integer, got string \"x\"\n"
                  + "  quorum.yaml:7:11: spec.quorum: expected majority, a number of members (3)"
                  + " or a percentage (\"60%\"), got \"y\"");
    }
  }

  @Test
  void rejectsADuplicateKey() {
    assertThat(problems(HEAD + "  priority: 1\n  priority: 2\n"))
        .containsExactly("quorum.yaml:7:3: spec.priority: duplicate key (first at line 6)");
  }

  @Test
  void rejectsYamlAliases() {
    String spec =
        """
          match:
            namespaces: &ns [data]
            excludeNamespaces: *ns
        """;
    assertThat(problems(HEAD + spec))
        .containsExactly(
            "quorum.yaml:8:24: spec.match.excludeNamespaces: YAML aliases (*ns) are not"
                + " supported: write the value out");
  }

  @Test
  void reportsProblemsOfALaterDocumentAtTheirOwnLines() {
    String text =
        """
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: first
        spec: {}
        ---
        apiVersion: stateguard.io/v1
        kind: StatefulPolicy
        metadata:
          name: second
        spec:
          rules:
            readiness-probe: always
        ---
        apiVersion: stateguard.io/v1
        metadata:
          name: third
        spec: {}
        """;
    assertThat(problems(text))
        .containsExactly(
            "quorum.yaml:13:22: spec.rules.readiness-probe: unknown mode \"always\" (expected"
                + " enforce, warn, audit or off)",
            "quorum.yaml:15:1: kind: required field is missing");
  }

  @Test
  void reportsEveryProblemOfAFileInLineOrder() {
    String spec =
        """
          priority: "10"
          match:
            classes: [quorom]
          rules:
            readiness-probe: enforce
            termination-grace-period: {minSeconds: 1m}
        """;
    assertThat(problems(HEAD.replace("spec:", "spec:\n  extra: 1") + spec))
        .containsExactly(
            "quorum.yaml:6:3: spec.extra: unknown field (known: priority, description, match,"
                + " classify, quorum, rules, mutations, exemptions)",
            "quorum.yaml:7:13: spec.priority: expected an integer, got string \"10\"",
            "quorum.yaml:9:15: spec.match.classes[0]: unknown workload class \"quorom\" (known:"
                + " quorum, database, cache, default)",
            "quorum.yaml:12:44: spec.rules.termination-grace-period.minSeconds: expected an"
                + " integer, got string \"1m\"");
  }

  @Test
  void rejectsAPolicyNameUsedTwiceAcrossFiles() {
    Path dir = Path.of("src/test/resources/PolicyLoaderTest/duplicates");
    assertThat(problems(dir))
        .containsExactly(
            dir.resolve("b.yaml")
                + ":5:9: metadata.name: a policy named shared is already defined at "
                + dir.resolve("a.yaml")
                + ":4: policy names must be unique");
  }

  @Test
  void rejectsAPolicyNameUsedTwiceInOneFile() {
    String text = HEAD.replace("spec:", "spec: {}") + "---\n" + HEAD.replace("spec:", "spec: {}");
    assertThat(problems(text))
        .containsExactly(
            "quorum.yaml:10:9: metadata.name: a policy named quorum-systems is already defined at"
                + " quorum.yaml:4: policy names must be unique");
  }

  @Test
  void reportsTheProblemsOfEveryFileOfADirectory(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.yaml"), HEAD + "  quorum: none\n");
    Files.writeString(dir.resolve("b.yaml"), HEAD.replace("quorum-systems", "b") + "  x: 1\n");
    Files.write(dir.resolve("c.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 'a', ':', 0});
    assertThat(problems(dir))
        .containsExactly(
            dir.resolve("a.yaml")
                + ":6:11: spec.quorum: expected majority, a number of members (3) or a percentage"
                + " (\"60%\"), got \"none\"",
            dir.resolve("b.yaml")
                + ":6:3: spec.x: unknown field (known: priority, description, match, classify,"
                + " quorum, rules, mutations, exemptions)",
            dir.resolve("c.yaml") + ": is not UTF-8 text");
  }

  @Test
  void rejectsAPathThatDoesNotExist(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere");
    assertThat(problems(missing)).containsExactly(missing + ": no such file or directory");
  }
}
