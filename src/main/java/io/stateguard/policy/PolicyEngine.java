package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides admissions: finds the policies that govern the object, runs every rule that is not off
 * for it, and turns the findings into a {@link Verdict}. Pure and thread-safe; does no I/O.
 */
public final class PolicyEngine {

  private final PolicySet policies;
  private final List<Rule> rules;

  public PolicyEngine(PolicySet policies, List<Rule> rules) {
    this.policies = policies;
    this.rules = List.copyOf(rules);
  }

  public PolicySet policies() {
    return policies;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The verdict on {@code admission}, with {@code view} answering questions about the cluster. */
  public Verdict evaluate(Admission admission, ClusterView view) {
    if (admission.operation() != Operation.CREATE && admission.operation() != Operation.UPDATE) {
      return Verdict.allow();
    }
    HasMetadata subject = admission.object().orElseThrow();
    Optional<RuleInfo.Target> target = target(subject);
    if (target.isEmpty()) {
      return Verdict.allow();
    }
    Optional<EffectivePolicy> governing = governing(subject, admission);
    if (governing.isEmpty() && target.get() == RuleInfo.Target.STATEFULSET) {
      return Verdict.allow();
    }
    // A PDB no policy matches may still concern StatefulSets that policies govern.
    EffectivePolicy policy = governing.orElseGet(() -> EffectivePolicy.none(WorkloadClass.DEFAULT));
    List<Finding> findings = new ArrayList<>();
    for (Rule rule : rules) {
      if (rule.info().target() != target.get()) {
        continue;
      }
      // For PDBs the mode is decided per selected StatefulSet, inside the context.
      if (target.get() == RuleInfo.Target.STATEFULSET && policy.mode(rule.info()) == Mode.OFF) {
        continue;
      }
      RuleContext ctx = new RuleContext(rule, admission, subject, view, policies, policy);
      rule.check(ctx);
      findings.addAll(ctx.findings());
    }
    Optional<String> exemption =
        policy
            .exemption(admission.user(), namespaceOf(subject, admission))
            .or(() -> breakGlass(subject, policy));
    if (exemption.isPresent() && findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE)) {
      return Verdict.exempt(findings, exemption.get());
    }
    return Verdict.of(findings);
  }

  /**
   * The rules that {@link #evaluate} runs on {@code subject}: those of its kind that are not off
   * for it. For a PDB a rule counts when it is on for the PDB's own policy or for any StatefulSet
   * the PDB selects.
   */
  public List<RuleInfo> rulesFor(Admission admission, ClusterView view) {
    HasMetadata subject = admission.subject();
    Optional<RuleInfo.Target> target = target(subject);
    if (target.isEmpty()) {
      return List.of();
    }
    Optional<EffectivePolicy> own = governing(subject, admission);
    List<EffectivePolicy> concerned = new ArrayList<>();
    own.ifPresent(concerned::add);
    if (subject instanceof PodDisruptionBudget pdb && pdb.getSpec() != null) {
      for (StatefulSet set : view.statefulSets(namespaceOf(subject, admission))) {
        if (Selectors.matches(pdb.getSpec().getSelector(), Selectors.podLabels(set))) {
          policies.resolve(set).ifPresent(concerned::add);
        }
      }
    }
    return rules.stream()
        .map(Rule::info)
        .filter(r -> r.target() == target.get())
        .filter(r -> concerned.stream().anyMatch(p -> p.mode(r) != Mode.OFF))
        .toList();
  }

  private Optional<EffectivePolicy> governing(HasMetadata subject, Admission admission) {
    if (subject instanceof StatefulSet set) {
      if (set.getMetadata().getNamespace() == null) {
        set.getMetadata().setNamespace(admission.namespace());
      }
      return policies.resolve(set);
    }
    Map<String, String> labels =
        subject.getMetadata().getLabels() == null ? Map.of() : subject.getMetadata().getLabels();
    return policies.resolve(namespaceOf(subject, admission), labels, WorkloadClass.DEFAULT);
  }

  private static Optional<RuleInfo.Target> target(HasMetadata subject) {
    if (subject instanceof StatefulSet) {
      return Optional.of(RuleInfo.Target.STATEFULSET);
    }
    if (subject instanceof PodDisruptionBudget) {
      return Optional.of(RuleInfo.Target.PDB);
    }
    return Optional.empty();
  }

  private static String namespaceOf(HasMetadata subject, Admission admission) {
    String ns = subject.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? admission.namespace() : ns;
  }

  /** A break-glass annotation with a non-blank reason on the object. */
  private static Optional<String> breakGlass(HasMetadata subject, EffectivePolicy policy) {
    Map<String, String> annotations = subject.getMetadata().getAnnotations();
    if (annotations == null) {
      return Optional.empty();
    }
    for (String key : policy.breakGlassAnnotations()) {
      String reason = annotations.get(key);
      if (reason != null && !reason.isBlank()) {
        return Optional.of("break-glass (" + key + "): " + reason.strip());
      }
    }
    return Optional.empty();
  }
}
