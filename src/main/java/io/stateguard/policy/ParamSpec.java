package io.stateguard.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parameter a rule or a mutation accepts from policies: its name, type, default and meaning, and
 * optionally the values it may take (a string from a fixed list, an integer in a range). Policies
 * are validated against these.
 *
 * @param allowed the only values a string parameter may take; empty for any string
 * @param minimum the smallest value of an integer parameter ({@link Integer#MIN_VALUE} for other
 *     types)
 * @param maximum the largest value of an integer parameter ({@link Integer#MAX_VALUE} for other
 *     types)
 */
public record ParamSpec(
    String name,
    Type type,
    Object defaultValue,
    String description,
    List<String> allowed,
    int minimum,
    int maximum) {

  /** The types a parameter value may have, as they appear in YAML. */
  public enum Type {
    INTEGER,
    STRING,
    BOOLEAN,
    STRING_LIST;

    /** The JSON Schema type name. */
    public String schemaType() {
      return switch (this) {
        case INTEGER -> "integer";
        case STRING -> "string";
        case BOOLEAN -> "boolean";
        case STRING_LIST -> "array";
      };
    }

    /** Whether a value read from YAML (Integer, String, Boolean, List) has this type. */
    public boolean accepts(Object value) {
      return switch (this) {
        case INTEGER -> value instanceof Integer;
        case STRING -> value instanceof String;
        case BOOLEAN -> value instanceof Boolean;
        case STRING_LIST ->
            value instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
      };
    }
  }

  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue of " + name);
    Objects.requireNonNull(description, "description");
    allowed = List.copyOf(Objects.requireNonNull(allowed, "allowed"));
    if (!type.accepts(defaultValue)) {
      throw new IllegalArgumentException("default of " + name + " is not of type " + type);
    }
    if (!allowed.isEmpty() && type != Type.STRING) {
      throw new IllegalArgumentException(
          "only a string parameter takes a list of values, not " + name);
    }
    boolean unbounded = minimum == Integer.MIN_VALUE && maximum == Integer.MAX_VALUE;
    if (!unbounded && type != Type.INTEGER) {
      throw new IllegalArgumentException("only an integer parameter takes a range, not " + name);
    }
    if (minimum > maximum) {
      throw new IllegalArgumentException("the range of " + name + " is empty");
    }
    Optional<String> problem = problemOf(defaultValue, allowed, minimum, maximum);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("default of " + name + ": " + problem.get());
    }
  }

  /** A parameter that takes any value of its type. */
  public ParamSpec(String name, Type type, Object defaultValue, String description) {
    this(name, type, defaultValue, description, List.of(), Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public static ParamSpec integer(String name, int defaultValue, String description) {
    return new ParamSpec(name, Type.INTEGER, defaultValue, description);
  }

  /** An integer from {@code minimum} to {@code maximum}, both included. */
  public static ParamSpec integer(
      String name, int defaultValue, int minimum, int maximum, String description) {
    return new ParamSpec(
        name, Type.INTEGER, defaultValue, description, List.of(), minimum, maximum);
  }

  public static ParamSpec string(String name, String defaultValue, String description) {
    return new ParamSpec(name, Type.STRING, defaultValue, description);
  }

  /** A string that must be one of {@code allowed}. */
  public static ParamSpec oneOf(
      String name, String defaultValue, List<String> allowed, String description) {
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException(name + " needs at least one allowed value");
    }
    return new ParamSpec(
        name,
        Type.STRING,
        defaultValue,
        description,
        allowed,
        Integer.MIN_VALUE,
        Integer.MAX_VALUE);
  }

  public static ParamSpec bool(String name, boolean defaultValue, String description) {
    return new ParamSpec(name, Type.BOOLEAN, defaultValue, description);
  }

  public static ParamSpec strings(String name, List<String> defaultValue, String description) {
    return new ParamSpec(name, Type.STRING_LIST, List.copyOf(defaultValue), description);
  }

  /** Whether integer values are limited to a range. */
  public boolean bounded() {
    return minimum != Integer.MIN_VALUE || maximum != Integer.MAX_VALUE;
  }

  /**
   * What is wrong with {@code value}, already of this parameter's type, or empty when it is
   * allowed: {@code expected Retain or Delete, got "Keep"}, {@code must be from 1 to 100, got 0}.
   */
  public Optional<String> problem(Object value) {
    return problemOf(value, allowed, minimum, maximum);
  }

  private static Optional<String> problemOf(
      Object value, List<String> allowed, int minimum, int maximum) {
    if (!allowed.isEmpty() && !allowed.contains(value)) {
      String choices =
          allowed.size() == 1
              ? allowed.get(0)
              : String.join(", ", allowed.subList(0, allowed.size() - 1))
                  + " or "
                  + allowed.get(allowed.size() - 1);
      return Optional.of("expected " + choices + ", got \"" + value + "\"");
    }
    if (value instanceof Integer i && (i < minimum || i > maximum)) {
      return Optional.of("must be from " + minimum + " to " + maximum + ", got " + i);
    }
    return Optional.empty();
  }
}
