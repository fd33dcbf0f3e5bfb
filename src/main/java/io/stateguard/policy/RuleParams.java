package io.stateguard.policy;

import java.util.List;
import java.util.Map;

/**
 * A rule's parameter values for one evaluation: what the governing policy set, else the rule's
 * defaults. Values were type-checked when the policy was loaded.
 */
public final class RuleParams {

  private final RuleInfo rule;
  private final Map<String, Object> values;

  RuleParams(RuleInfo rule, Map<String, Object> values) {
    this.rule = rule;
    this.values = Map.copyOf(values);
  }

  private Object value(String name, ParamSpec.Type type) {
    ParamSpec spec =
        rule.param(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "rule " + rule.id() + " declares no parameter " + name));
    if (spec.type() != type) {
      throw new IllegalArgumentException(
          "parameter " + name + " of rule " + rule.id() + " is " + spec.type() + ", not " + type);
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
