package io.stateguard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.report.Loaded;
import io.stateguard.report.ManifestLoader;
import io.stateguard.report.ObjectReport;
import io.stateguard.report.Report;
import io.stateguard.report.ReportRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The test cases of the shipped policies: folders {@code policies/tests/<policy>/<case>/}, each
 * holding manifests and an {@code expected.yaml} (a {@code StatefulPolicyTest}) that says, for
 * every object the report evaluates, whether it is allowed and exactly which findings it gets. The
 * format is documented in {@code policies/tests/README.md}.
 *
 * <p>A case is run the way {@code stateguard report <case folder>} runs it: the folder is loaded
 * whole by the manifest loader (which skips the expectation, a kind it does not evaluate) and
 * evaluated by the report runner. Every difference is an {@link AssertionError} naming the case,
 * the object and what differs; all differences of a case are reported together.
 */
final class PolicyCases {

  static final String EXPECTED = "expected.yaml";
  static final String API_VERSION = "stateguard.io/v1";
  static final String KIND = "StatefulPolicyTest";

  private static final Set<String> EVALUATED_KINDS = Set.of("StatefulSet", "PodDisruptionBudget");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PolicyCases() {}

  /** What a case expects: its name, and the verdict on each object, in file order. */
  record Expectation(String name, String description, List<ExpectedObject> results) {}

  /**
   * The expected verdict on one object.
   *
   * @param object {@code Kind namespace/name}, as written in the file
   */
  record ExpectedObject(String object, boolean allowed, List<ExpectedFinding> findings) {}

  /** One expected finding; {@code policy} is compared only when the case names one. */
  record ExpectedFinding(String rule, Mode mode, Optional<String> policy) {

    boolean matches(Finding f) {
      return f.rule().equals(rule)
          && f.mode() == mode
          && policy.map(p -> p.equals(f.policy())).orElse(true);
    }

    @Override
    public String toString() {
      return rule + " (" + mode.id() + policy.map(p -> ", policy " + p).orElse("") + ")";
    }
  }

  /** The case folders under {@code root} ({@code <policy>/<case>}), sorted. */
  static List<Path> caseFolders(Path root) throws IOException {
    List<Path> cases = new ArrayList<>();
    for (Path policy : subfolders(root)) {
      cases.addAll(subfolders(policy));
    }
    return cases;
  }

  /** The policies among {@code policyNames} that have no folder with at least one case. */
  static Set<String> policiesWithoutCases(Collection<String> policyNames, Path root)
      throws IOException {
    Set<String> missing = new TreeSet<>();
    for (String name : policyNames) {
      Path folder = root.resolve(name);
      if (!Files.isDirectory(folder) || subfolders(folder).isEmpty()) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** The folders under {@code root} that name none of {@code policyNames}. */
  static Set<String> foldersWithoutPolicy(Collection<String> policyNames, Path root)
      throws IOException {
    Set<String> stray = new TreeSet<>();
    for (Path folder : subfolders(root)) {
      String name = folder.getFileName().toString();
      if (!policyNames.contains(name)) {
        stray.add(name);
      }
    }
    return stray;
  }

  /**
   * Runs one case with {@code engine} and compares the report with the case's expectation.
   *
   * @throws AssertionError listing every difference
   */
  static void check(Path caseDir, PolicyEngine engine) {
    Path expectedFile = caseDir.resolve(EXPECTED);
    if (!Files.isRegularFile(expectedFile)) {
      throw new AssertionError(
          caseDir
              + " has no "
              + EXPECTED
              + ": every case folder says what the policies must decide about its manifests");
    }
    Expectation expected = read(expectedFile);
    List<String> problems = new ArrayList<>();
    String folderName = caseDir.getFileName().toString();
    if (!expected.name().equals(folderName)) {
      problems.add(
          "metadata.name is " + expected.name() + " but the case folder is named " + folderName);
    }

    Loaded loaded = new ManifestLoader("default").load(List.of(caseDir.toString()), null);
    loaded.problems().forEach(p -> problems.add("cannot load " + p));
    Report report = new ReportRunner(engine).run(loaded);
    if (report.objects().isEmpty()) {
      problems.add("no StatefulSet or PodDisruptionBudget in the case's manifests");
    }

    Map<String, ObjectReport> actual = new LinkedHashMap<>();
    for (ObjectReport o : report.objects()) {
      actual.put(key(o), o);
    }
    for (ExpectedObject e : expected.results()) {
      ObjectReport o = actual.remove(e.object());
      if (o == null) {
        problems.add(
            e.object()
                + ": expected, but no such object is evaluated (evaluated: "
                + String.join(", ", report.objects().stream().map(PolicyCases::key).toList())
                + ")");
        continue;
      }
      compare(e, o, problems);
    }
    for (ObjectReport o : actual.values()) {
      problems.add(
          key(o)
              + ": evaluated (allowed: "
              + o.allowed()
              + ") but not listed in "
              + EXPECTED
              + describeAll(o.findings()));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          caseDir
              + " does not get the verdicts its "
              + EXPECTED
              + " expects:\n  "
              + String.join("\n  ", problems));
    }
  }

  private static void compare(ExpectedObject e, ObjectReport o, List<String> problems) {
    if (e.allowed() != o.allowed()) {
      problems.add(
          e.object()
              + ": "
              + (o.allowed() ? "allowed" : "denied")
              + ", expected "
              + (e.allowed() ? "allowed" : "denied"));
    }
    List<Finding> unmatched = new ArrayList<>(o.findings());
    // Findings that name a policy first, so that one naming none cannot take their match.
    List<ExpectedFinding> wanted = new ArrayList<>(e.findings());
    wanted.sort(Comparator.comparing(f -> f.policy().isEmpty()));
    for (ExpectedFinding w : wanted) {
      Iterator<Finding> it = unmatched.iterator();
      boolean found = false;
      while (it.hasNext()) {
        if (w.matches(it.next())) {
          it.remove();
          found = true;
          break;
        }
      }
      if (!found) {
        problems.add(e.object() + ": expected finding " + w + " is missing");
      }
    }
    for (Finding f : unmatched) {
      problems.add(e.object() + ": unexpected finding " + describe(f));
    }
  }

  /**
   * Reads an expectation strictly: unknown fields, missing fields, wrong types, unknown modes and
   * an object listed twice are errors.
   *
   * @throws AssertionError naming the file and the problem
   */
  static Expectation read(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError(file + ": not readable YAML: " + e.getMessage(), e);
    }
    Reader r = new Reader(file);
    r.fields(root, "", Set.of("apiVersion", "kind", "metadata", "spec"));
    r.require(API_VERSION.equals(r.text(root, "apiVersion")), "apiVersion must be " + API_VERSION);
    r.require(KIND.equals(r.text(root, "kind")), "kind must be " + KIND);
    JsonNode metadata = r.object(root, "metadata");
    r.fields(metadata, "metadata", Set.of("name"));
    String name = r.text(metadata, "name");
    JsonNode spec = r.object(root, "spec");
    r.fields(spec, "spec", Set.of("description", "results"));
    String description = spec.has("description") ? r.text(spec, "description") : "";
    List<ExpectedObject> results = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    JsonNode list = r.list(spec, "results");
    for (int i = 0; i < list.size(); i++) {
      String at = "spec.results[" + i + "]";
      JsonNode item = list.get(i);
      r.fields(item, at, Set.of("object", "allowed", "findings", "patch"));
      String object = r.text(item, "object");
      r.require(
          object.matches("\\S+ [^\\s/]+/\\S+")
              && EVALUATED_KINDS.contains(object.substring(0, object.indexOf(' '))),
          at
              + ".object must read 'StatefulSet namespace/name' or 'PodDisruptionBudget"
              + " namespace/name', not '"
              + object
              + "'");
      r.require(seen.add(object), at + ".object " + object + " is listed twice");
      JsonNode allowed = item.get("allowed");
      r.require(allowed != null && allowed.isBoolean(), at + ".allowed must be true or false");
      // Reserved for the mutation feature: the patch the mutating endpoint returns. Nothing
      // produces patches yet, so a case may not claim one that nobody checks.
      JsonNode patch = item.get("patch");
      r.require(
          patch == null || (patch.isArray() && patch.isEmpty()),
          at + ".patch is reserved for the mutation feature and must be absent or []");
      List<ExpectedFinding> findings = new ArrayList<>();
      JsonNode fs = r.list(item, "findings");
      for (int j = 0; j < fs.size(); j++) {
        String fat = at + ".findings[" + j + "]";
        JsonNode f = fs.get(j);
        r.fields(f, fat, Set.of("rule", "mode", "policy"));
        Mode mode = Mode.parse(r.text(f, "mode"));
        r.require(mode != null && mode != Mode.OFF, fat + ".mode must be enforce, warn or audit");
        Optional<String> policy =
            f.has("policy") ? Optional.of(r.text(f, "policy")) : Optional.empty();
        findings.add(new ExpectedFinding(r.text(f, "rule"), mode, policy));
      }
      results.add(new ExpectedObject(object, allowed.booleanValue(), findings));
    }
    return new Expectation(name, description, results);
  }

  /** Walks one expectation file; every check failure is an AssertionError naming the file. */
  private record Reader(Path file) {

    void require(boolean condition, String message) {
      if (!condition) {
        throw new AssertionError(file + ": " + message);
      }
    }

    void fields(JsonNode node, String at, Set<String> known) {
      require(
          node != null && node.isObject(),
          (at.isEmpty() ? "the document" : at) + " must be a mapping");
      node.fieldNames()
          .forEachRemaining(
              f ->
                  require(
                      known.contains(f),
                      (at.isEmpty() ? "" : at + ".")
                          + f
                          + " is not a field of a "
                          + KIND
                          + " here (known: "
                          + String.join(", ", new TreeSet<>(known))
                          + ")"));
    }

    String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      require(
          value != null && value.isTextual() && !value.asText().isBlank(),
          field + " must be a non-empty string");
      return value.asText();
    }

    JsonNode object(JsonNode node, String field) {
      JsonNode value = node.get(field);
      require(value != null && value.isObject(), field + " must be a mapping");
      return value;
    }

    JsonNode list(JsonNode node, String field) {
      JsonNode value = node.get(field);
      require(value != null && value.isArray(), field + " must be a list (write [] for none)");
      return value;
    }
  }

  /** {@code StatefulSet namespace/name}, as expectation files name objects. */
  static String key(ObjectReport o) {
    return o.object().kind() + " " + o.object().qualifiedName();
  }

  private static String describe(Finding f) {
    return f.rule()
        + " ("
        + f.mode().id()
        + (f.policy().isEmpty() ? "" : ", policy " + f.policy())
        + "): "
        + f.message();
  }

  private static String describeAll(List<Finding> findings) {
    if (findings.isEmpty()) {
      return ", no findings";
    }
    return ", findings: "
        + String.join("; ", findings.stream().map(PolicyCases::describe).toList());
  }

  private static List<Path> subfolders(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }
}
