package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything one rule sees while checking one admitted object, and where it reports. One context
 * per rule and admission; not shared between threads.
 *
 * <p>For a StatefulSet the governing policy is the set's own. For a PodDisruptionBudget each
 * StatefulSet it selects brings its own policy: rules report about a set with {@link
 * #report(StatefulSet, String, String)}, and the mode comes from that set's policy.
 */
public final class RuleContext {

  private final Rule rule;
  private final Admission admission;
  private final HasMetadata subject;
  private final ClusterView view;
  private final PolicySet policies;
  private final EffectivePolicy policy;
  private final PodDisruption disruption;
  private final List<Finding> findings = new ArrayList<>();
  private boolean reserve;

  RuleContext(
      Rule rule,
      Admission admission,
      HasMetadata subject,
      ClusterView view,
      PolicySet policies,
      EffectivePolicy policy) {
    this(rule, admission, subject, view, policies, policy, null);
  }

  /**
   * @param disruption the live state of the pod's set, for rules whose target is {@link
   *     RuleInfo.Target#POD_DELETE}; null for others
   */
  RuleContext(
      Rule rule,
      Admission admission,
      HasMetadata subject,
      ClusterView view,
      PolicySet policies,
      EffectivePolicy policy,
      PodDisruption disruption) {
    this.disruption = disruption;
    this.rule = rule;
    this.admission = admission;
    this.subject = subject;
    this.view = view;
    this.policies = policies;
    this.policy = policy;
  }

  public Admission admission() {
    return admission;
  }

  /** The object being admitted, defaulted. */
  public HasMetadata subject() {
    return subject;
  }

  /** The subject as a StatefulSet; only for rules whose target is a StatefulSet. */
  public StatefulSet statefulSet() {
    return (StatefulSet) subject;
  }

  /** The subject as a PodDisruptionBudget; only for rules whose target is a PDB. */
  public PodDisruptionBudget pdb() {
    return (PodDisruptionBudget) subject;
  }

  public ObjectRef subjectRef() {
    return ObjectRef.of(subject);
  }

  /** The namespace of the subject ({@code default} when it names none). */
  public String namespace() {
    String ns = subject.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? admission.namespace() : ns;
  }

  public ClusterView view() {
    return view;
  }

  /** The policy governing the subject. */
  public EffectivePolicy policy() {
    return policy;
  }

  public WorkloadClass workloadClass() {
    return policy.workloadClass();
  }

  public QuorumSize quorum() {
    return policy.quorum();
  }

  /** This rule's parameters under the subject's policy. */
  public RuleParams params() {
    return policy.params(rule.info());
  }

  /** The policy governing another StatefulSet, when any policy matches it. */
  public Optional<EffectivePolicy> policyFor(StatefulSet set) {
    return policies.resolve(set);
  }

  /** Whether this rule is on (not {@code off}) for {@code set} under its own policy. */
  public boolean appliesTo(StatefulSet set) {
    return policyFor(set).map(p -> p.mode(rule.info()) != Mode.OFF).orElse(false);
  }

  /** Reports a problem with the subject, in the mode its policy gives this rule. */
  public void report(String message, String field) {
    Mode mode = policy.mode(rule.info());
    if (mode != Mode.OFF) {
      findings.add(
          new Finding(
              rule.id(), mode, message, field, subjectRef(), policy.governingPolicy(rule.info())));
    }
  }

  /**
   * Reports a problem with the subject that concerns {@code set}, in the mode the set's policy
   * gives this rule (nothing when no policy governs the set, or the rule is off for it).
   */
  public void report(StatefulSet set, String message, String field) {
    Optional<EffectivePolicy> p = policyFor(set);
    if (p.isEmpty()) {
      return;
    }
    Mode mode = p.get().mode(rule.info());
    if (mode != Mode.OFF) {
      findings.add(
          new Finding(
              rule.id(), mode, message, field, subjectRef(), p.get().governingPolicy(rule.info())));
    }
  }

  List<Finding> findings() {
    return findings;
  }

  /**
   * The pod being deleted or evicted, its set and the set's live members; only for rules whose
   * target is {@link RuleInfo.Target#POD_DELETE}.
   */
  public PodDisruption disruption() {
    if (disruption == null) {
      throw new IllegalStateException(rule.id() + " asked for a disruption outside a pod delete");
    }
    return disruption;
  }

  /**
   * Says that the pod delete being checked, if allowed, takes a counted member away: the caller
   * holds it in the disruption ledger so that concurrent deletes see it gone.
   */
  public void reserveMember() {
    reserve = true;
  }

  boolean reserves() {
    return reserve;
  }
}
