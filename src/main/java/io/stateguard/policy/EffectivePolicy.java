package io.stateguard.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the matching policies say, merged, for one workload: its class, quorum size, each rule's
 * mode, parameters and the policy that set them, and whether each mutation is on and with which
 * parameters. Higher-priority policies override lower ones rule by rule and mutation by mutation; a
 * rule no matching policy names keeps its default mode, a mutation no matching policy turns on is
 * off.
 */
public final class EffectivePolicy {

  private final WorkloadClass workloadClass;
  private final QuorumSize quorum;
  private final List<Policy> policies;

  /**
   * @param policies the matching policies, lowest priority first
   */
  EffectivePolicy(WorkloadClass workloadClass, List<Policy> policies) {
    this.workloadClass = Objects.requireNonNull(workloadClass, "workloadClass");
    this.policies = List.copyOf(policies);
    QuorumSize q = QuorumSize.MAJORITY;
    for (Policy p : this.policies) {
      if (p.quorum().isPresent()) {
        q = p.quorum().get();
      }
    }
    this.quorum = q;
  }

  /** What governs an object no policy matches: every rule is off. */
  static EffectivePolicy none(WorkloadClass workloadClass) {
    return new EffectivePolicy(workloadClass, List.of());
  }

  public WorkloadClass workloadClass() {
    return workloadClass;
  }

  public QuorumSize quorum() {
    return quorum;
  }

  /** The matching policies, lowest priority first. */
  public List<Policy> policies() {
    return policies;
  }

  /**
   * The rule's mode: from the highest-priority policy that sets one, else its default; off for
   * every rule when no policy matches.
   */
  public Mode mode(RuleInfo rule) {
    if (policies.isEmpty()) {
      return Mode.OFF;
    }
    for (int i = policies.size() - 1; i >= 0; i--) {
      Policy.RuleSetting s = policies.get(i).rules().get(rule.id());
      if (s != null && s.mode().isPresent()) {
        return s.mode().get();
      }
    }
    return rule.defaultMode();
  }

  /**
   * The name of the policy that decided the rule's mode; when none sets it (the rule runs at its
   * default mode), the highest-priority matching policy, under which it ran. Empty when no policy
   * matches.
   */
  public String governingPolicy(RuleInfo rule) {
    for (int i = policies.size() - 1; i >= 0; i--) {
      Policy.RuleSetting s = policies.get(i).rules().get(rule.id());
      if (s != null && s.mode().isPresent()) {
        return policies.get(i).name();
      }
    }
    return policies.isEmpty() ? "" : policies.get(policies.size() - 1).name();
  }

  /** The rule's parameters, each from the highest-priority policy that sets it. */
  public RuleParams params(RuleInfo rule) {
    Map<String, Object> values = new HashMap<>();
    for (Policy p : policies) {
      Policy.RuleSetting s = p.rules().get(rule.id());
      if (s != null) {
        values.putAll(s.params());
      }
    }
    return new RuleParams(rule, values);
  }

  /**
   * Whether the mutation is on: as the highest-priority policy that sets its mode says; else off.
   */
  public boolean enabled(MutationInfo mutation) {
    for (int i = policies.size() - 1; i >= 0; i--) {
      Policy.MutationSetting s = policies.get(i).mutations().get(mutation.id());
      if (s != null && s.enabled().isPresent()) {
        return s.enabled().get();
      }
    }
    return false;
  }

  /** The name of the policy that turned the mutation on or off, or empty when none did. */
  public String governingPolicy(MutationInfo mutation) {
    for (int i = policies.size() - 1; i >= 0; i--) {
      Policy.MutationSetting s = policies.get(i).mutations().get(mutation.id());
      if (s != null && s.enabled().isPresent()) {
        return policies.get(i).name();
      }
    }
    return "";
  }

  /** The mutation's parameters, each from the highest-priority policy that sets it. */
  public RuleParams params(MutationInfo mutation) {
    Map<String, Object> values = new HashMap<>();
    for (Policy p : policies) {
      Policy.MutationSetting s = p.mutations().get(mutation.id());
      if (s != null) {
        values.putAll(s.params());
      }
    }
    return new RuleParams(mutation, values);
  }

  /** Why {@code user} in {@code namespace} is exempt under any matching policy, or empty. */
  public Optional<String> exemption(UserInfo user, String namespace) {
    for (Policy p : policies) {
      Optional<String> why = p.exemptions().exempts(user, namespace);
      if (why.isPresent()) {
        return Optional.of(why.get() + " by policy " + p.name());
      }
    }
    return Optional.empty();
  }

  /** The break-glass annotations the matching policies honour. */
  public List<String> breakGlassAnnotations() {
    return policies.stream()
        .map(p -> p.exemptions().breakGlassAnnotation())
        .filter(a -> !a.isEmpty())
        .distinct()
        .toList();
  }
}
