package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;

/**
 * Everything one mutation sees while mutating one StatefulSet. One context per mutation and
 * admission; not shared between threads.
 */
public final class MutationContext {

  private final Mutation mutation;
  private final Admission admission;
  private final StatefulSet statefulSet;
  private final ClusterView view;
  private final EffectivePolicy policy;

  MutationContext(
      Mutation mutation,
      Admission admission,
      StatefulSet statefulSet,
      ClusterView view,
      EffectivePolicy policy) {
    this.mutation = mutation;
    this.admission = admission;
    this.statefulSet = statefulSet;
    this.view = view;
    this.policy = policy;
  }

  public Admission admission() {
    return admission;
  }

  /**
   * The StatefulSet to change: a copy of the admitted object (defaulted, and already changed by the
   * mutations before this one), never the admitted object itself.
   */
  public StatefulSet statefulSet() {
    return statefulSet;
  }

  /** On UPDATE, the StatefulSet as it is stored now; empty on CREATE. */
  public Optional<StatefulSet> oldStatefulSet() {
    return admission.oldObject().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast);
  }

  /** The namespace of the set ({@code default} when it names none). */
  public String namespace() {
    String ns = statefulSet.getMetadata() == null ? null : statefulSet.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? admission.namespace() : ns;
  }

  public ObjectRef subjectRef() {
    return ObjectRef.of(statefulSet);
  }

  public ClusterView view() {
    return view;
  }

  /** The policy governing the set. */
  public EffectivePolicy policy() {
    return policy;
  }

  public WorkloadClass workloadClass() {
    return policy.workloadClass();
  }

  /** This mutation's parameters under the set's policy. */
  public RuleParams params() {
    return policy.params(mutation.info());
  }
}
