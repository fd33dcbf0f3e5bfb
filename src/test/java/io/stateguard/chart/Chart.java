package io.stateguard.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The chart under {@code charts/stateguard}, linted and rendered with Helm (helm-java runs Helm as
 * a native library; no helm binary is needed). Release name and namespace differ on purpose, so a
 * template that mixes them up renders something a test can see.
 */
final class Chart {

  static final Path DIR = Path.of("charts", "stateguard");
  static final String RELEASE = "sg";
  static final String NAMESPACE = "guard-system";

  /** The version of the API server the fixtures come from. */
  static final String KUBE_VERSION = "1.28.7";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

  private Chart() {}

  /**
   * One set of values the chart is tested with: the defaults, or the defaults with a file of {@code
   * ci/} laid over them.
   *
   * @param name {@code default} or the file's name
   * @param file the values file, or null for the defaults alone
   */
  record ValueSet(String name, Path file) {
    /** The values Helm renders with: the chart's values.yaml with the file merged over it. */
    JsonNode values() {
      JsonNode defaults = read(DIR.resolve("values.yaml"));
      return file == null ? defaults : merge(defaults.deepCopy(), read(file));
    }

    JsonNode at(String pointer) {
      JsonNode node = values().at(pointer);
      if (node.isMissingNode()) {
        throw new IllegalArgumentException("no value at " + pointer + " in " + name);
      }
      return node;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The defaults, then every {@code ci/*.yaml}, in name order. */
  static List<ValueSet> valueSets() {
    List<ValueSet> sets = new ArrayList<>();
    sets.add(new ValueSet("default", null));
    try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
      files
          .filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .forEach(p -> sets.add(new ValueSet(p.getFileName().toString(), p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sets;
  }

  static ValueSet valueSet(String name) {
    return valueSets().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no values file " + name));
  }

  /** {@code helm template} with the set's values. */
  static String template(ValueSet set) {
    return template(set.file());
  }

  /** {@code helm template} with a values file (or none); Helm's failures are thrown. */
  static String template(Path valuesFile) {
    TemplateCommand command =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile.toAbsolutePath());
    }
    return command.call();
  }

  /** What {@code helm install} prints after installing with the set's values (NOTES.txt). */
  static String notes(ValueSet set) {
    InstallCommand command =
        new Helm(DIR)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .clientOnly()
            .dryRun();
    if (set.file() != null) {
      command = command.withValuesFile(set.file().toAbsolutePath());
    }
    return command.call().getOutput();
  }

  /** The set rendered and read; each set is rendered once per test run. */
  static Rendered render(ValueSet set) {
    return RENDERED.computeIfAbsent(set.name(), n -> Rendered.parse(template(set)));
  }

  /**
   * {@code helm lint --strict} with the set's values. helm-java's lint takes no values file, so the
   * chart is copied into {@code work} with the merged values as its values.yaml.
   */
  static LintResult lint(ValueSet set, Path work) throws IOException {
    Path chart = DIR;
    if (set.file() != null) {
      chart = work.resolve("stateguard");
      copy(DIR, chart);
      YAML.writeValue(chart.resolve("values.yaml").toFile(), set.values());
    }
    return new Helm(chart).lint().strict().call();
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static JsonNode read(Path file) {
    try {
      JsonNode node = YAML.readTree(file.toFile());
      return node == null || node.isMissingNode() ? YAML.createObjectNode() : node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Helm's coalescing of user values over a chart's: maps merge key by key, a null removes the key,
   * anything else replaces.
   */
  static JsonNode merge(JsonNode base, JsonNode override) {
    if (!(base instanceof ObjectNode target) || !override.isObject()) {
      return override;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        target.remove(field.getKey());
      } else if (target.has(field.getKey())) {
        target.set(field.getKey(), merge(target.get(field.getKey()), field.getValue()));
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
    return target;
  }
}
