package io.stateguard.config;

import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Policy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads {@code spec.mutations}: for each mutation id, either {@code on} or {@code off} alone
 * ({@code anti-affinity: on}) or a map holding an optional {@code mode} and the mutation's
 * parameters next to it ({@code anti-affinity: {mode: on, type: required}}). Ids, modes, parameter
 * names, types and values are checked against the mutations' own metadata.
 */
final class MutationsReader {

  private final MutationCatalog catalog;
  private final RuleCatalog rules;

  MutationsReader(MutationCatalog catalog, RuleCatalog rules) {
    this.catalog = catalog;
    this.rules = rules;
  }

  /** The settings by mutation id; the ones with problems are reported and left out. */
  Map<String, Policy.MutationSetting> read(Fields mutations) {
    Map<String, Policy.MutationSetting> out = new LinkedHashMap<>();
    Problems problems = mutations.problems();
    for (Node.Entry e : mutations.mapping().entries().values()) {
      String path = mutations.child(e.key());
      Optional<MutationInfo> mutation = catalog.mutation(e.key());
      if (mutation.isEmpty()) {
        problems.add(e.keyPos(), path, unknownMutation(e.key()));
        continue;
      }
      setting(mutation.get(), e.value(), path, problems).ifPresent(s -> out.put(e.key(), s));
    }
    return out;
  }

  private static Optional<Policy.MutationSetting> setting(
      MutationInfo mutation, Node value, String path, Problems problems) {
    if (value instanceof Node.Scalar s
        && (s.kind() == Node.Scalar.Kind.STRING || s.kind() == Node.Scalar.Kind.BOOLEAN)) {
      return mode(value, path, problems)
          .map(on -> new Policy.MutationSetting(Optional.of(on), Map.of()));
    }
    if (!(value instanceof Node.Mapping map)) {
      Fields.typeProblem(value, path, "on, off or a map of mode and parameters", problems);
      return Optional.empty();
    }
    boolean ok = true;
    Optional<Boolean> mode = Optional.empty();
    Map<String, Object> params = new LinkedHashMap<>();
    for (Node.Entry e : map.entries().values()) {
      String childPath = Fields.child(path, e.key());
      if (e.key().equals(RuleCatalog.MODE)) {
        mode = mode(e.value(), childPath, problems);
        ok &= mode.isPresent();
        continue;
      }
      Optional<ParamSpec> spec = mutation.param(e.key());
      if (spec.isEmpty()) {
        problems.add(e.keyPos(), childPath, unknownParam(mutation));
        ok = false;
        continue;
      }
      Optional<Object> param = RulesReader.param(spec.get(), e.value(), childPath, problems);
      ok &= param.isPresent();
      param.ifPresent(p -> params.put(e.key(), p));
    }
    return ok ? Optional.of(new Policy.MutationSetting(mode, params)) : Optional.empty();
  }

  /** {@code on} is true, {@code off} false. */
  private static Optional<Boolean> mode(Node node, String path, Problems problems) {
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.BOOLEAN) {
      problems.add(
          node.pos(),
          path,
          "expected on or off, got boolean "
              + s.value()
              + " (a mutation is on or off, not true or false)");
      return Optional.empty();
    }
    Optional<String> text = Fields.string(node, path, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.get().equals(MutationCatalog.ON)) {
      return Optional.of(true);
    }
    if (text.get().equals(MutationCatalog.OFF)) {
      return Optional.of(false);
    }
    problems.add(
        node.pos(),
        path,
        "unknown mode \""
            + text.get()
            + "\" (a mutation is on or off; enforce, warn and audit are modes of rules)");
    return Optional.empty();
  }

  private String unknownMutation(String id) {
    if (rules.rule(id).isPresent()) {
      return "unknown mutation "
          + id
          + " (it is a rule: set its mode under spec.rules"
          + (catalog.ids().isEmpty() ? "" : "; mutations: " + String.join(", ", catalog.ids()))
          + ")";
    }
    List<String> ids = catalog.ids();
    if (ids.isEmpty()) {
      return "unknown mutation " + id + " (no mutations are known)";
    }
    Optional<String> close =
        ids.stream()
            .filter(known -> RulesReader.distance(known, id) <= Math.max(2, id.length() / 4))
            .min(
                (a, b) ->
                    Integer.compare(RulesReader.distance(a, id), RulesReader.distance(b, id)));
    if (close.isPresent()) {
      return "unknown mutation " + id + " (did you mean " + close.get() + "?)";
    }
    return "unknown mutation " + id + " (known: " + String.join(", ", ids) + ")";
  }

  private static String unknownParam(MutationInfo mutation) {
    return "unknown parameter of mutation "
        + mutation.id()
        + " (known: "
        + mutation.params().stream().map(ParamSpec::name).collect(Collectors.joining(", "))
        + ")";
  }
}
