package io.stateguard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed, checked access to the values of a document. Each accessor reports what is wrong (missing,
 * wrong type, bad shape) to the {@link Problems} and returns empty, so reading goes on and a load
 * reports every problem at once. An alias was reported when it was read, and is silently empty
 * here.
 */
final class Fields {

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final Node.Mapping map;
  private final String path;
  private final Node.Pos anchor;
  private final Problems problems;

  /**
   * @param anchor where to report a missing field: the key that holds the mapping, or the start of
   *     the document
   */
  private Fields(Node.Mapping map, String path, Node.Pos anchor, Problems problems) {
    this.map = map;
    this.path = path;
    this.anchor = anchor;
    this.problems = problems;
  }

  /** The fields of {@code node}, which must be a mapping. */
  static Optional<Fields> of(Node node, String path, Node.Pos anchor, Problems problems) {
    if (node instanceof Node.Mapping m) {
      return Optional.of(new Fields(m, path, anchor, problems));
    }
    typeProblem(node, path, "a map", problems);
    return Optional.empty();
  }

  String path() {
    return path;
  }

  Node.Pos anchor() {
    return anchor;
  }

  Problems problems() {
    return problems;
  }

  Node.Mapping mapping() {
    return map;
  }

  /** The path of a child: {@code spec.rules}, or {@code labels["app.kubernetes.io/name"]}. */
  static String child(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[\"" + key + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  String child(String key) {
    return child(path, key);
  }

  /** Reports every key not in {@code known}. */
  void rejectUnknown(List<String> known) {
    for (Node.Entry e : map.entries().values()) {
      if (!known.contains(e.key())) {
        problems.add(
            e.keyPos(), child(e.key()), "unknown field (known: " + String.join(", ", known) + ")");
      }
    }
  }

  Optional<Node.Entry> entry(String key) {
    return map.entry(key);
  }

  /** The value of a field that must be there; reports it missing otherwise. */
  Optional<Node.Entry> required(String key) {
    Optional<Node.Entry> e = map.entry(key);
    if (e.isEmpty()) {
      problems.add(anchor, child(key), "required field is missing");
    }
    return e;
  }

  /** The fields of a nested mapping. */
  Optional<Fields> object(Node.Entry e) {
    return of(e.value(), child(e.key()), e.keyPos(), problems);
  }

  Optional<Fields> object(String key) {
    return entry(key).flatMap(this::object);
  }

  Optional<String> string(String key) {
    return entry(key).flatMap(e -> string(e.value(), child(e.key()), problems));
  }

  Optional<String> string(String key, Names.Shape shape) {
    return entry(key).flatMap(e -> string(e.value(), child(e.key()), shape, problems));
  }

  Optional<Integer> integer(String key) {
    return entry(key).flatMap(e -> integer(e.value(), child(e.key()), problems));
  }

  Optional<List<String>> strings(String key, Names.Shape shape) {
    return entry(key).flatMap(e -> strings(e.value(), child(e.key()), shape, problems));
  }

  /** A map of strings to strings, keys and values of the given shapes. */
  Optional<Map<String, String>> stringMap(String key, Names.Shape keys, Names.Shape values) {
    return entry(key).flatMap(e -> stringMap(e.value(), child(e.key()), keys, values, problems));
  }

  /** A list; its items are read by the caller. */
  Optional<Node.Sequence> sequence(String key) {
    Optional<Node.Entry> e = entry(key);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    if (e.get().value() instanceof Node.Sequence s) {
      return Optional.of(s);
    }
    typeProblem(e.get().value(), child(key), "a list", problems);
    return Optional.empty();
  }

  static Optional<String> string(Node node, String path, Problems problems) {
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.STRING) {
      return Optional.of((String) s.value());
    }
    typeProblem(node, path, "a string", problems);
    return Optional.empty();
  }

  static Optional<String> string(Node node, String path, Names.Shape shape, Problems problems) {
    Optional<String> value = string(node, path, problems);
    if (value.isPresent() && !shape.matches(value.get())) {
      problems.add(node.pos(), path, shape.problem(value.get()));
      return Optional.empty();
    }
    return value;
  }

  static Optional<Integer> integer(Node node, String path, Problems problems) {
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.INTEGER) {
      if (s.value() instanceof Integer i) {
        return Optional.of(i);
      }
      problems.add(
          node.pos(),
          path,
          "integer "
              + s.value()
              + " is out of range ("
              + Integer.MIN_VALUE
              + " to "
              + Integer.MAX_VALUE
              + ")");
      return Optional.empty();
    }
    typeProblem(node, path, "an integer", problems);
    return Optional.empty();
  }

  static Optional<List<String>> strings(
      Node node, String path, Names.Shape shape, Problems problems) {
    if (!(node instanceof Node.Sequence seq)) {
      typeProblem(node, path, "a list of strings", problems);
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < seq.items().size(); i++) {
      Optional<String> item = string(seq.items().get(i), path + "[" + i + "]", shape, problems);
      ok &= item.isPresent();
      item.ifPresent(out::add);
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  static Optional<Map<String, String>> stringMap(
      Node node, String path, Names.Shape keys, Names.Shape values, Problems problems) {
    if (!(node instanceof Node.Mapping m)) {
      typeProblem(node, path, "a map of strings", problems);
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Node.Entry e : m.entries().values()) {
      String childPath = child(path, e.key());
      if (!keys.matches(e.key())) {
        problems.add(e.keyPos(), childPath, keys.problem(e.key()));
        ok = false;
      }
      Optional<String> value = string(e.value(), childPath, values, problems);
      ok &= value.isPresent();
      value.ifPresent(v -> out.put(e.key(), v));
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** Reports that {@code node} is not {@code expected}; an alias was reported already. */
  static void typeProblem(Node node, String path, String expected, Problems problems) {
    if (node instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.ALIAS) {
      return;
    }
    problems.add(node.pos(), path, "expected " + expected + ", got " + Node.describe(node));
  }
}
