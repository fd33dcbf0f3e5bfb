package io.stateguard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides admissions: finds the policies that govern the object, runs every rule that is not off
 * for it, and turns the findings into a {@link Verdict}; and mutates StatefulSets that lack what
 * their policy asks for ({@link #mutate}), or both in the API server's order ({@link #decide}).
 * Pure and thread-safe; does no I/O.
 */
public final class PolicyEngine {

  private final PolicySet policies;
  private final List<Rule> rules;
  private final List<Mutation> mutations;

  /** An engine that validates and never mutates. */
  public PolicyEngine(PolicySet policies, List<Rule> rules) {
    this(policies, rules, List.of());
  }

  /**
   * @param mutations applied in this order
   */
  public PolicyEngine(PolicySet policies, List<Rule> rules, List<Mutation> mutations) {
    this.policies = policies;
    this.rules = List.copyOf(rules);
    this.mutations = List.copyOf(mutations);
    if (this.mutations.stream().map(Mutation::id).distinct().count() != this.mutations.size()) {
      throw new IllegalArgumentException("two mutations have one id");
    }
  }

  public PolicySet policies() {
    return policies;
  }

  public List<Rule> rules() {
    return rules;
  }

  public List<Mutation> mutations() {
    return mutations;
  }

  /**
   * Decides {@code admission} as the API server does: mutates the object first ({@link #mutate}),
   * then validates the mutated object ({@link #evaluate}). The verdict carries the patch.
   */
  public Decision decide(Admission admission, ClusterView view) {
    Mutated mutated = mutate(admission, view);
    Admission validated = mutated.changed() ? admission.withObject(mutated.object()) : admission;
    return new Decision(evaluate(validated, view).withPatch(mutated.patch()), mutated);
  }

  /**
   * What the mutations the governing policy turns on change in the admitted StatefulSet: the
   * mutated copy and the RFC 6902 patch to it, with the {@value Mutation#MUTATED_ANNOTATION}
   * annotation listing them. The admitted object itself is not changed. Nothing changes for other
   * kinds, operations and subresources ({@code status}: the API server keeps the spec of a status
   * update as stored), for a set no policy governs or that is being deleted, for an exempt request
   * (see {@link Policy.Exemptions}; break-glass lifts enforcement only), for mutations the set
   * names in its {@value Mutation#EXPLICIT_ANNOTATION} annotation, and on UPDATE for mutations
   * whose policy does not set {@value MutationInfo#ON_UPDATE}.
   */
  public Mutated mutate(Admission admission, ClusterView view) {
    HasMetadata subject = admission.subject();
    Operation op = admission.operation();
    if (mutations.isEmpty()
        || (op != Operation.CREATE && op != Operation.UPDATE)
        || !admission.subResource().isEmpty()
        || !(subject instanceof StatefulSet set)
        || set.getMetadata() == null
        || set.getMetadata().getDeletionTimestamp() != null) {
      return Mutated.none(subject);
    }
    Optional<EffectivePolicy> governing = governing(set, admission);
    if (governing.isEmpty()
        || governing.get().exemption(admission.user(), namespaceOf(set, admission)).isPresent()) {
      return Mutated.none(subject);
    }
    EffectivePolicy policy = governing.get();
    List<String> explicit = MutatedAnnotations.explicit(set);
    List<Mutation> active =
        mutations.stream()
            .filter(m -> policy.enabled(m.info()))
            .filter(
                m -> op == Operation.CREATE || policy.params(m.info()).bool(MutationInfo.ON_UPDATE))
            .filter(m -> !explicit.contains(m.id()) && !explicit.contains("*"))
            .toList();
    if (active.isEmpty()) {
      return Mutated.none(subject);
    }
    StatefulSet copy = ObjectTrees.copy(set);
    JsonNode original = ObjectTrees.tree(copy);
    JsonNode current = original;
    List<String> applied = new ArrayList<>();
    for (Mutation mutation : active) {
      mutation.apply(new MutationContext(mutation, admission, copy, view, policy));
      // What changed, not what a mutation says it did, decides what the annotation lists.
      JsonNode after = ObjectTrees.tree(copy);
      if (!after.equals(current)) {
        applied.add(mutation.id());
        current = after;
      }
    }
    if (applied.isEmpty()) {
      return Mutated.none(subject);
    }
    MutatedAnnotations.record(copy, applied, mutations.stream().map(Mutation::id).toList());
    return new Mutated(copy, Patch.diff(original, ObjectTrees.tree(copy)), applied);
  }

  /** The verdict on {@code admission}, with {@code view} answering questions about the cluster. */
  public Verdict evaluate(Admission admission, ClusterView view) {
    Optional<RuleInfo.Target> target = target(admission);
    if (target.isEmpty()) {
      return Verdict.allow();
    }
    HasMetadata subject = admission.subject();
    Optional<EffectivePolicy> governing = governing(subject, admission);
    if (governing.isEmpty() && target.get() != RuleInfo.Target.PDB) {
      return Verdict.allow();
    }
    // A PDB no policy matches may still concern StatefulSets that policies govern.
    EffectivePolicy policy = governing.orElseGet(() -> EffectivePolicy.none(WorkloadClass.DEFAULT));
    List<Finding> findings = new ArrayList<>();
    for (Rule rule : rules) {
      if (!rule.info().checks(target.get())) {
        continue;
      }
      // For PDBs the mode is decided per selected StatefulSet, inside the context.
      if (target.get() != RuleInfo.Target.PDB && policy.mode(rule.info()) == Mode.OFF) {
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
   * The quorum guard's decision on a Pod DELETE or {@code pods/eviction} CREATE: every rule whose
   * target is {@link RuleInfo.Target#POD_DELETE}, under the policy of the pod's StatefulSet. A user
   * the policy exempts, a break-glass annotation with a reason on the pod or its set, or a group
   * the rule's {@value #BREAK_GLASS_GROUPS} parameter names, lifts a denial; a lifted denial
   * reserves nothing. Pure: {@code disruption} holds what was read from the API server.
   */
  public DisruptionVerdict evaluateDisruption(
      Admission admission, PodDisruption disruption, ClusterView view) {
    StatefulSet set = disruption.set();
    Optional<EffectivePolicy> governing = governing(set, admission);
    if (governing.isEmpty()) {
      return DisruptionVerdict.notCovered();
    }
    EffectivePolicy policy = governing.get();
    List<Finding> findings = new ArrayList<>();
    boolean reserve = false;
    List<String> breakGlassGroups = new ArrayList<>();
    boolean looked = false;
    for (Rule rule : rules) {
      if (rule.info().target() != RuleInfo.Target.POD_DELETE
          || policy.mode(rule.info()) == Mode.OFF) {
        continue;
      }
      looked = true;
      if (rule.info().param(BREAK_GLASS_GROUPS).isPresent()) {
        breakGlassGroups.addAll(policy.params(rule.info()).strings(BREAK_GLASS_GROUPS));
      }
      RuleContext ctx =
          new RuleContext(rule, admission, disruption.pod(), view, policies, policy, disruption);
      rule.check(ctx);
      findings.addAll(ctx.findings());
      reserve |= ctx.reserves();
    }
    if (!looked) {
      return DisruptionVerdict.notCovered();
    }
    Verdict verdict = Verdict.of(findings);
    if (verdict.allowed()) {
      return new DisruptionVerdict(verdict, reserve, Optional.empty(), true);
    }
    Optional<String> breakGlass =
        breakGlass(disruption.pod(), policy)
            .or(() -> breakGlass(set, policy).map(r -> r + " (on " + ObjectRef.of(set) + ")"))
            .or(
                () ->
                    admission.user().groups().stream()
                        .filter(breakGlassGroups::contains)
                        .findFirst()
                        .map(g -> "break-glass (group " + g + "): a break-glass group's member"));
    if (breakGlass.isPresent()) {
      return new DisruptionVerdict(
          Verdict.exempt(findings, breakGlass.get()), false, breakGlass, true);
    }
    Optional<String> exemption = policy.exemption(admission.user(), namespaceOf(set, admission));
    if (exemption.isPresent()) {
      return new DisruptionVerdict(
          Verdict.exempt(findings, exemption.get()), false, Optional.empty(), true);
    }
    return new DisruptionVerdict(verdict, false, Optional.empty(), true);
  }

  /** The parameter of a pod-delete rule naming groups whose members may always break glass. */
  public static final String BREAK_GLASS_GROUPS = "breakGlassGroups";

  /**
   * The rules that {@link #evaluate} runs on {@code subject}: those that check its kind and are not
   * off for it. For a PDB a rule counts when it is on for the PDB's own policy or for any
   * StatefulSet the PDB selects.
   */
  public List<RuleInfo> rulesFor(Admission admission, ClusterView view) {
    HasMetadata subject = admission.subject();
    Optional<RuleInfo.Target> target = target(admission);
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
        .filter(r -> r.checks(target.get()))
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

  /**
   * The subresource of a change of replicas ({@code kubectl scale}): an UPDATE whose object is the
   * stored StatefulSet with the requested replicas, judged only by the rules that check {@link
   * RuleInfo.Target#STATEFULSET_SCALE}.
   */
  public static final String SCALE = "scale";

  /**
   * The rules {@link #evaluate} runs: those of creates and updates of StatefulSets and PDBs, of
   * StatefulSet scales, and of StatefulSet deletes. Pod deletes go through {@link
   * #evaluateDisruption}, which needs the live members of the set.
   */
  private static Optional<RuleInfo.Target> target(Admission admission) {
    Operation op = admission.operation();
    if (op == Operation.UPDATE
        && SCALE.equals(admission.subResource())
        && admission.object().orElse(null) instanceof StatefulSet) {
      return Optional.of(RuleInfo.Target.STATEFULSET_SCALE);
    }
    if (op == Operation.CREATE || op == Operation.UPDATE) {
      return admission.object().flatMap(PolicyEngine::target);
    }
    if (op == Operation.DELETE
        && admission.subResource().isEmpty()
        && admission.oldObject().orElse(null) instanceof StatefulSet) {
      return Optional.of(RuleInfo.Target.STATEFULSET_DELETE);
    }
    return Optional.empty();
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
