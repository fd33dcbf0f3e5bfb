package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Finding;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.rules.Rules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bundled {@code examples/} say what they show: the report on them, made by the real pipeline
 * with the shipped policies, finds nothing on {@code examples/good/}, makes every rule fire on
 * {@code examples/bad/}, and finds on each bad file exactly the rules its {@code # expect:} header
 * line declares, whether the file is reported alone or with all the others.
 */
class ExamplesTest {

  private static final Path EXAMPLES = Path.of("examples");
  private static final Path GOOD = EXAMPLES.resolve("good");
  private static final Path BAD = EXAMPLES.resolve("bad");

  /** The systems the clean set shows, one folder each. */
  private static final List<String> SYSTEMS = List.of("zookeeper", "kafka", "postgresql", "redis");

  private static final String EXPECT = "# expect:";

  /**
   * Rules that judge a change, comparing the stored object with the new one on UPDATE: a report's
   * manifests are CREATEs, so no example can make them fire. Their unit tests cover them.
   */
  private static final Set<String> CHANGE_RULES = Set.of("scale-down");

  private static PolicyEngine engine;
  private static Loaded loaded;
  private static Report report;

  @BeforeAll
  static void reportOnTheExamples() throws PolicyException {
    List<RuleInfo> rules = Rules.all().stream().map(Rule::info).toList();
    engine =
        new PolicyEngine(PolicyLoader.load(Path.of("policies"), rules).policySet(), Rules.all());
    loaded = new ManifestLoader("default").load(List.of(EXAMPLES.toString()), null);
    report = new ReportRunner(engine).run(loaded);
  }

  @Test
  void loadsEveryExampleWithoutProblems() {
    assertThat(loaded.problems()).as("problems loading examples/").isEmpty();
    assertThat(loaded.manifests()).as("manifests in examples/").isNotEmpty();
  }

  @Test
  void reportsNothingAtAllOnTheCleanExamples() {
    // Given the report on examples/, When we look at the objects under examples/good
    List<ObjectReport> good = objectsUnder(GOOD);

    // Then every system is there, and no object has a finding of any severity
    for (String system : SYSTEMS) {
      assertThat(good)
          .as("evaluated objects in examples/good/%s", system)
          .anyMatch(o -> file(o).startsWith(GOOD.resolve(system)));
    }
    List<String> findings =
        good.stream()
            .flatMap(o -> o.findings().stream().map(f -> describe(o, f)))
            .collect(Collectors.toList());
    assertThat(findings).as("findings on examples/good (there must be none)").isEmpty();
    assertThat(good).allSatisfy(o -> assertThat(o.allowed()).as("%s allowed", o.object()).isTrue());
  }

  @Test
  void everyRuleFiresOnTheBadExamples() {
    Set<String> fired =
        objectsUnder(BAD).stream()
            .flatMap(o -> o.findings().stream())
            .map(Finding::rule)
            .collect(Collectors.toCollection(TreeSet::new));

    // The delete guards decide requests to delete, which a folder of manifests never makes.
    Set<String> all =
        Rules.all().stream()
            .map(Rule::info)
            .filter(
                r ->
                    r.target() != RuleInfo.Target.POD_DELETE
                        && r.target() != RuleInfo.Target.STATEFULSET_DELETE)
            .map(RuleInfo::id)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> silent = new TreeSet<>(all);
    silent.removeAll(fired);
    assertThat(silent).as("rules that fire on no file of examples/bad").isEqualTo(CHANGE_RULES);
  }

  @TestFactory
  Stream<DynamicTest> eachBadExampleBreaksExactlyTheRulesItDeclares() throws IOException {
    Map<Path, Set<String>> found = new HashMap<>();
    for (ObjectReport o : objectsUnder(BAD)) {
      Set<String> rules = found.computeIfAbsent(file(o), f -> new TreeSet<>());
      o.findings().forEach(f -> rules.add(f.rule()));
    }
    List<Path> files = badFiles();
    assertThat(files).as("files in examples/bad").isNotEmpty();
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      Set<String> declared = declaredRules(file);
                      assertThat(found.getOrDefault(file, Set.of()))
                          .as(
                              "rules found on %s (its header declares %s)%n%s",
                              file, declared, findingsIn(file))
                          .containsExactlyInAnyOrderElementsOf(declared);
                    }));
  }

  @Test
  void eachBadExampleKeepsToANamespaceNamedAfterIt() throws IOException {
    // Cross-object rules (Services, budgets) look at one namespace: a file sharing its namespace
    // with another would change what the other file shows.
    // Cluster-scoped objects (StorageClasses) have no namespace: the next test holds them to the
    // same promise.
    Map<String, Set<Path>> filesByNamespace = new TreeMap<>();
    for (Manifest m : loaded.manifests()) {
      String ns = m.object().getMetadata().getNamespace();
      if (ns == null) {
        continue;
      }
      filesByNamespace
          .computeIfAbsent(ns, k -> new TreeSet<>())
          .add(Path.of(m.source().file()).normalize());
    }
    for (Path file : badFiles()) {
      List<String> namespaces =
          filesByNamespace.entrySet().stream()
              .filter(e -> e.getValue().contains(file))
              .map(Map.Entry::getKey)
              .toList();
      String stem = file.getFileName().toString().replaceFirst("\\.yaml$", "");
      assertThat(namespaces).as("namespaces of the objects in %s", file).containsExactly(stem);
      assertThat(filesByNamespace.get(stem))
          .as("files with objects in namespace %s", stem)
          .containsExactly(file);
    }
  }

  @TestFactory
  Stream<DynamicTest> eachBadExampleShowsTheSameAloneAsWithTheOthers() throws IOException {
    // A file reported alone (as the README suggests) must show what it shows among all examples,
    // even though cluster-scoped objects of one file are seen by every other.
    return badFiles().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      Report alone =
                          new ReportRunner(engine)
                              .run(
                                  new ManifestLoader("default")
                                      .load(List.of(file.toString()), null));
                      assertThat(verdicts(alone.objects()))
                          .as("verdicts on %s alone and among all examples", file)
                          .isEqualTo(
                              verdicts(
                                  report.objects().stream()
                                      .filter(o -> file(o).equals(file))
                                      .toList()));
                    }));
  }

  private static Map<String, String> verdicts(List<ObjectReport> objects) {
    Map<String, String> verdicts = new TreeMap<>();
    for (ObjectReport o : objects) {
      verdicts.put(
          o.object().toString(),
          (o.allowed() ? "allowed " : "denied ")
              + o.findings().stream().map(f -> f.rule() + ":" + f.mode().id()).sorted().toList());
    }
    return verdicts;
  }

  /**
   * The rule ids on the file's {@code # expect:} line, which must be in its leading comment block,
   * appear once, and name known rules only.
   */
  private static Set<String> declaredRules(Path file) throws IOException {
    List<String> expectLines = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        break; // the header comment ends at the first line of YAML
      }
      if (trimmed.startsWith(EXPECT)) {
        expectLines.add(trimmed.substring(EXPECT.length()));
      }
    }
    if (expectLines.size() != 1) {
      fail(
          "%s must declare the rules it breaks in one '%s rule-id, rule-id' line in its header"
              + " comment; found %d",
          file, EXPECT, expectLines.size());
    }
    Set<String> declared = new TreeSet<>();
    for (String id : expectLines.get(0).split(",")) {
      if (!id.isBlank()) {
        declared.add(id.strip());
      }
    }
    Set<String> known = Rules.all().stream().map(r -> r.info().id()).collect(Collectors.toSet());
    assertThat(declared).as("rule ids declared by %s", file).isNotEmpty();
    assertThat(known).as("known rule ids (declared by %s)", file).containsAll(declared);
    return declared;
  }

  private static List<Path> badFiles() throws IOException {
    try (Stream<Path> files = Files.list(BAD)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yaml"))
          .map(Path::normalize)
          .sorted()
          .toList();
    }
  }

  private static List<ObjectReport> objectsUnder(Path folder) {
    return report.objects().stream().filter(o -> file(o).startsWith(folder)).toList();
  }

  private static Path file(ObjectReport o) {
    return Path.of(o.source().file()).normalize();
  }

  private static String findingsIn(Path file) {
    return report.objects().stream()
        .filter(o -> file(o).equals(file))
        .flatMap(o -> o.findings().stream().map(f -> "  " + describe(o, f)))
        .collect(Collectors.joining(System.lineSeparator()));
  }

  private static String describe(ObjectReport o, Finding f) {
    return o.source() + " " + f.rule() + " (" + f.mode().id() + "): " + f.message();
  }
}
