package io.stateguard.policy;

import java.util.List;
import java.util.Map;

/**
 * A rule's or a mutation's parameter values for one evaluation: what the governing policy set, else
 * the declared defaults. Values were type-checked when the policy was loaded.
 */
public final class RuleParams {

  /** What declares the parameters, for messages: {@code rule anti-affinity}. */
  private final String owner;

  private final List<ParamSpec> specs;
  private final Map<String, Object> values;

  RuleParams(RuleInfo rule, Map<String, Object> values) {
    this("rule " + rule.id(), rule.params(), values);
  }

  RuleParams(MutationInfo mutation, Map<String, Object> values) {
    this("mutation " + mutation.id(), mutation.params(), values);
  }

  private RuleParams(String owner, List<ParamSpec> specs, Map<String, Object> values) {
    this.owner = owner;
    this.specs = specs;
    this.values = Map.copyOf(values);
  }

  private Object value(String name, ParamSpec.Type type) {
    ParamSpec spec =
        specs.stream()
            .filter(p -> p.name().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException(owner + " declares no parameter " + name));
    if (spec.type() != type) {
      throw new IllegalArgumentException(
          "parameter " + name + " of " + owner + " is " + spec.type() + ", not " + type);
    }
    return values.getOrDefault(name, spec.defaultValue());
  }

  public int integer(String name) {
    return (Integer) value(name, ParamSpec.Type.INTEGER);
  }

  public String string(String name) {
    return (String) value(name, ParamSpec.Type.STRING);
  }

  public boolean bool(String name) {
    return (Boolean) value(name, ParamSpec.Type.BOOLEAN);
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String name) {
    return (List<String>) value(name, ParamSpec.Type.STRING_LIST);
  }
}
