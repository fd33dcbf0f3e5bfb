package io.stateguard.config;

import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.RuleInfo;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rules a policy may configure, by id. Rejects a rule list a policy could not address: two
 * rules with one id, or a parameter named {@value #MODE} (that key holds the rule's mode).
 */
final class RuleCatalog {

  /** The key of a rule's setting that holds its mode; every other key is a parameter. */
  static final String MODE = "mode";

  private final Map<String, RuleInfo> rules;

  private RuleCatalog(Map<String, RuleInfo> rules) {
    this.rules = rules;
  }

  static RuleCatalog of(List<RuleInfo> rules) {
    Map<String, RuleInfo> byId = new LinkedHashMap<>();
    for (RuleInfo rule : rules) {
      if (byId.putIfAbsent(rule.id(), rule) != null) {
        throw new IllegalArgumentException("two rules have the id " + rule.id());
      }
      for (ParamSpec p : rule.params()) {
        if (p.name().equals(MODE)) {
          throw new IllegalArgumentException(
              "rule " + rule.id() + " has a parameter named mode, which policies use for the mode");
        }
      }
      if (rule.params().stream().map(ParamSpec::name).distinct().count() != rule.params().size()) {
        throw new IllegalArgumentException("rule " + rule.id() + " declares a parameter twice");
      }
    }
    return new RuleCatalog(byId);
  }

  Optional<RuleInfo> rule(String id) {
    return Optional.ofNullable(rules.get(id));
  }

  Collection<RuleInfo> rules() {
    return rules.values();
  }

  /** The rule ids, sorted, for messages and the schema. */
  List<String> ids() {
    return rules.keySet().stream().sorted().toList();
  }

  /** {@code enforce, warn, audit or off}. */
  static String modes() {
    List<String> ids = Arrays.stream(Mode.values()).map(Mode::id).toList();
    return ids.subList(0, ids.size() - 1).stream().collect(Collectors.joining(", "))
        + " or "
        + ids.get(ids.size() - 1);
  }
}
