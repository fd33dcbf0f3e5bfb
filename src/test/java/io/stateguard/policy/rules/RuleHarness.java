package io.stateguard.policy.rules;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.Operation;
import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.QuorumSize;
import io.stateguard.policy.Rule;
import io.stateguard.policy.UserInfo;
import io.stateguard.policy.Verdict;
import io.stateguard.policy.WorkloadClass;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs one rule through the real engine, under a policy that matches everything. */
final class RuleHarness {

  private static final ObjectMapper YAML =
      new YAMLMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private RuleHarness() {}

  /** Reads one object from YAML into its fabric8 model class. */
  static <T extends HasMetadata> T parse(String yaml, Class<T> type) {
    try {
      return YAML.readValue(yaml, type);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A policy matching every workload that sets {@code rule} to enforce with {@code params}. */
  static Policy policy(Rule rule, Map<String, Object> params) {
    return policy(rule, Mode.ENFORCE, params, Set.of());
  }

  /** A policy matching workloads of {@code classes} (all when empty). */
  static Policy policy(
      Rule rule, Mode mode, Map<String, Object> params, Set<WorkloadClass> classes) {
    return new Policy(
        "test-" + rule.id(),
        "test",
        0,
        new Policy.Match(List.of(), List.of(), null, classes),
        List.of(),
        Optional.of(QuorumSize.MAJORITY),
        Map.of(rule.id(), new Policy.RuleSetting(Optional.of(mode), params)),
        Policy.Exemptions.NONE);
  }

  /** The verdict of {@code rule} alone on {@code subject} (a CREATE) under {@code policies}. */
  static Verdict verdict(Rule rule, HasMetadata subject, ClusterView view, Policy... policies) {
    PolicyEngine engine = new PolicyEngine(new PolicySet(List.of(policies)), List.of(rule));
    String ns = subject.getMetadata().getNamespace();
    Admission admission =
        Admission.ofManifest("test-uid", subject)
            .withNamespace(ns == null || ns.isEmpty() ? "default" : ns);
    return engine.evaluate(admission, view);
  }

  /**
   * The verdict of {@code rule} alone on an UPDATE of {@code old} to {@code updated} under {@code
   * policies}, as the API server sends it: the stored object as {@code oldObject}.
   */
  static Verdict update(
      Rule rule, HasMetadata old, HasMetadata updated, ClusterView view, Policy... policies) {
    PolicyEngine engine = new PolicyEngine(new PolicySet(List.of(policies)), List.of(rule));
    String ns = updated.getMetadata().getNamespace();
    Admission admission =
        new Admission(
            "test-uid",
            Operation.UPDATE,
            updated.getKind(),
            "",
            ns == null || ns.isEmpty() ? "default" : ns,
            updated.getMetadata().getName(),
            Optional.of(updated),
            Optional.of(old),
            Optional.empty(),
            UserInfo.NONE,
            false);
    return engine.evaluate(admission, view);
  }

  /** The findings of {@code rule} on {@code subject}, enforced, with its default parameters. */
  static List<Finding> check(Rule rule, HasMetadata subject) {
    return check(rule, subject, ClusterView.empty(), Map.of());
  }

  static List<Finding> check(Rule rule, HasMetadata subject, Map<String, Object> params) {
    return check(rule, subject, ClusterView.empty(), params);
  }

  static List<Finding> check(
      Rule rule, HasMetadata subject, ClusterView view, Map<String, Object> params) {
    return verdict(rule, subject, view, policy(rule, params)).findings();
  }
}
