package io.stateguard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One value of a policy document as it was written, with where it was written. Policies are read
 * into these, not into Jackson's tree, because Jackson's tree forgets token locations, and every
 * problem must name its line.
 */
sealed interface Node {

  /** Where a value starts: 1-based line and column. */
  record Pos(int line, int column) {
    static final Pos NONE = new Pos(0, 0);
  }

  Pos pos();

  /** A mapping, in written order; duplicate keys were reported while reading. */
  record Mapping(Pos pos, Map<String, Entry> entries) implements Node {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    Optional<Entry> entry(String key) {
      return Optional.ofNullable(entries.get(key));
    }
  }

  /** One key of a mapping: where the key was written, and its value. */
  record Entry(String key, Pos keyPos, Node value) {}

  record Sequence(Pos pos, List<Node> items) implements Node {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  /**
   * A scalar: its value as a plain Java object ({@code String}, {@code Integer}, {@code Long} or
   * {@code BigInteger} when too large for an int, {@code Double} or {@code BigDecimal}, {@code
   * Boolean}, or null), and its kind.
   */
  record Scalar(Pos pos, Kind kind, Object value) implements Node {
    enum Kind {
      STRING,
      INTEGER,
      FLOAT,
      BOOLEAN,
      NULL,
      /** A YAML alias ({@code *name}): reported while reading, never a value. */
      ALIAS
    }
  }

  /** The value as plain Java objects: Map, List, String, Integer, Boolean, ... */
  static Object plain(Node node) {
    if (node instanceof Scalar s) {
      return s.value();
    }
    if (node instanceof Sequence s) {
      return s.items().stream().map(Node::plain).toList();
    }
    Mapping m = (Mapping) node;
    Map<String, Object> out = new LinkedHashMap<>();
    m.entries().forEach((k, e) -> out.put(k, plain(e.value())));
    return out;
  }

  /** How a value is named in messages: {@code a map}, {@code string "60s"}, {@code integer 3}. */
  static String describe(Node node) {
    if (node instanceof Mapping) {
      return "a map";
    }
    if (node instanceof Sequence) {
      return "a list";
    }
    Scalar s = (Scalar) node;
    return switch (s.kind()) {
      case STRING -> "string \"" + s.value() + "\"";
      case INTEGER -> "integer " + s.value();
      case FLOAT -> "number " + s.value();
      case BOOLEAN -> "boolean " + s.value();
      case NULL -> "null";
      case ALIAS -> "an alias";
    };
  }
}
