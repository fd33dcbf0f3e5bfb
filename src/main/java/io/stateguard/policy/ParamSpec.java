package io.stateguard.policy;

import java.util.List;
import java.util.Objects;

/**
 * A parameter a rule accepts from policies: its name, type, default and meaning. Policies are
 * validated against these.
 */
public record ParamSpec(String name, Type type, Object defaultValue, String description) {

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
    if (!type.accepts(defaultValue)) {
      throw new IllegalArgumentException("default of " + name + " is not of type " + type);
    }
  }

  public static ParamSpec integer(String name, int defaultValue, String description) {
    return new ParamSpec(name, Type.INTEGER, defaultValue, description);
  }

  public static ParamSpec string(String name, String defaultValue, String description) {
    return new ParamSpec(name, Type.STRING, defaultValue, description);
  }

  public static ParamSpec bool(String name, boolean defaultValue, String description) {
    return new ParamSpec(name, Type.BOOLEAN, defaultValue, description);
  }

  public static ParamSpec strings(String name, List<String> defaultValue, String description) {
    return new ParamSpec(name, Type.STRING_LIST, List.copyOf(defaultValue), description);
  }
}
