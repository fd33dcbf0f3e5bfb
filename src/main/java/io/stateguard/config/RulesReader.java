package io.stateguard.config;

import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Policy;
import io.stateguard.policy.RuleInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads {@code spec.rules}: for each rule id, either a mode alone ({@code readiness-probe:
 * enforce}) or a map holding an optional {@code mode} and the rule's parameters next to it ({@code
 * termination-grace-period: {mode: warn, minSeconds: 60}}). Ids, modes, parameter names and
 * parameter types are checked against the rules' own metadata.
 */
final class RulesReader {

  private final RuleCatalog catalog;

  RulesReader(RuleCatalog catalog) {
    this.catalog = catalog;
  }

  /** The settings by rule id; the ones with problems are reported and left out. */
  Map<String, Policy.RuleSetting> read(Fields rules) {
    Map<String, Policy.RuleSetting> out = new LinkedHashMap<>();
    Problems problems = rules.problems();
    for (Node.Entry e : rules.mapping().entries().values()) {
      String path = rules.child(e.key());
      Optional<RuleInfo> rule = catalog.rule(e.key());
      if (rule.isEmpty()) {
        problems.add(e.keyPos(), path, unknownRule(e.key()));
        continue;
      }
      setting(rule.get(), e.value(), path, problems).ifPresent(s -> out.put(e.key(), s));
    }
    return out;
  }

  private Optional<Policy.RuleSetting> setting(
      RuleInfo rule, Node value, String path, Problems problems) {
    if (value instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.STRING) {
      return mode(value, path, problems).map(m -> new Policy.RuleSetting(Optional.of(m), Map.of()));
    }
    if (!(value instanceof Node.Mapping map)) {
      Fields.typeProblem(
          value,
          path,
          "a mode (" + RuleCatalog.modes() + ") or a map of mode and parameters",
          problems);
      return Optional.empty();
    }
    boolean ok = true;
    Optional<Mode> mode = Optional.empty();
    Map<String, Object> params = new LinkedHashMap<>();
    for (Node.Entry e : map.entries().values()) {
      String childPath = Fields.child(path, e.key());
      if (e.key().equals(RuleCatalog.MODE)) {
        mode = mode(e.value(), childPath, problems);
        ok &= mode.isPresent();
        continue;
      }
      Optional<ParamSpec> spec = rule.param(e.key());
      if (spec.isEmpty()) {
        problems.add(e.keyPos(), childPath, unknownParam(rule));
        ok = false;
        continue;
      }
      Optional<Object> param = param(spec.get(), e.value(), childPath, problems);
      ok &= param.isPresent();
      param.ifPresent(p -> params.put(e.key(), p));
    }
    return ok ? Optional.of(new Policy.RuleSetting(mode, params)) : Optional.empty();
  }

  private static Optional<Mode> mode(Node node, String path, Problems problems) {
    Optional<String> text = Fields.string(node, path, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Mode mode = Mode.parse(text.get());
    if (mode == null) {
      problems.add(
          node.pos(),
          path,
          "unknown mode \"" + text.get() + "\" (expected " + RuleCatalog.modes() + ")");
      return Optional.empty();
    }
    return Optional.of(mode);
  }

  /**
   * A parameter value of a rule or a mutation, as its {@link ParamSpec} accepts it: of its type,
   * one of its allowed values, within its range.
   */
  static Optional<Object> param(ParamSpec spec, Node node, String path, Problems problems) {
    Optional<Object> value = typed(spec, node, path, problems);
    Optional<String> problem = value.flatMap(spec::problem);
    if (problem.isPresent()) {
      problems.add(node.pos(), path, problem.get());
      return Optional.empty();
    }
    return value;
  }

  private static Optional<Object> typed(ParamSpec spec, Node node, String path, Problems problems) {
    if (spec.type() == ParamSpec.Type.INTEGER) {
      // Reports out-of-range integers as such rather than as a wrong type.
      return Fields.integer(node, path, problems).map(i -> i);
    }
    Object value = Node.plain(node);
    if (spec.type().accepts(value)) {
      return Optional.of(value);
    }
    if (spec.type() == ParamSpec.Type.STRING_LIST && node instanceof Node.Sequence seq) {
      // Name the item that is not a string.
      for (int i = 0; i < seq.items().size(); i++) {
        Fields.string(seq.items().get(i), path + "[" + i + "]", problems);
      }
      return Optional.empty();
    }
    Fields.typeProblem(node, path, expected(spec.type()), problems);
    return Optional.empty();
  }

  static String expected(ParamSpec.Type type) {
    return switch (type) {
      case INTEGER -> "an integer";
      case STRING -> "a string";
      case BOOLEAN -> "true or false";
      case STRING_LIST -> "a list of strings";
    };
  }

  private String unknownRule(String id) {
    List<String> ids = catalog.ids();
    if (ids.isEmpty()) {
      return "unknown rule " + id + " (no rules are known)";
    }
    Optional<String> close =
        ids.stream()
            .filter(known -> distance(known, id) <= Math.max(2, id.length() / 4))
            .min((a, b) -> Integer.compare(distance(a, id), distance(b, id)));
    if (close.isPresent()) {
      return "unknown rule " + id + " (did you mean " + close.get() + "?)";
    }
    return "unknown rule " + id + " (known: " + String.join(", ", ids) + ")";
  }

  private static String unknownParam(RuleInfo rule) {
    if (rule.params().isEmpty()) {
      return "unknown parameter of rule " + rule.id() + " (it takes none, only mode)";
    }
    return "unknown parameter of rule "
        + rule.id()
        + " (known: "
        + rule.params().stream().map(ParamSpec::name).collect(Collectors.joining(", "))
        + ")";
  }

  /** Levenshtein distance, for suggesting the rule id that was meant. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
