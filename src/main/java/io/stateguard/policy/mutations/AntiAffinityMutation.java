package io.stateguard.policy.mutations;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationContext;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code anti-affinity}: adds a pod anti-affinity term on the set's own selector, so the scheduler
 * keeps its members on different nodes (or zones). A set that already has an anti-affinity term
 * about its own members, required or preferred, on any topology key, is left alone: its owner has
 * decided how to keep them apart. Node affinity, pod affinity and the other anti-affinity terms are
 * kept as they are; the new term is appended.
 */
final class AntiAffinityMutation implements Mutation {

  static final String PREFERRED = "preferred";
  static final String REQUIRED = "required";
  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";

  private static final MutationInfo INFO =
      new MutationInfo(
          "anti-affinity",
          "Adds pod anti-affinity on the set's own labels, so members land on different nodes",
          "Without pod anti-affinity the scheduler may place several members of a set on one node"
              + " (or in one zone), and one node failure or drain then takes them all. This"
              + " mutation appends to spec.template.spec.affinity.podAntiAffinity one term whose"
              + " labelSelector is the set's own selector and whose topologyKey is the policy's:"
              + " preferred (with a weight) or required. It adds nothing to a set that already has"
              + " an anti-affinity term selecting its own pods, whatever its topology key. A"
              + " required term on kubernetes.io/hostname leaves members Pending when there are"
              + " fewer schedulable nodes than members: choose required only where there are"
              + " enough. The term is part of the pod template: added to an existing set (on"
              + " UPDATE, with onUpdate) it restarts every pod.",
          true,
          List.of(
              ParamSpec.oneOf(
                  "type",
                  PREFERRED,
                  List.of(PREFERRED, REQUIRED),
                  "preferred: the scheduler spreads members when it can and still schedules them"
                      + " when it cannot; required: a member stays Pending rather than share a"
                      + " node (or zone) with another."),
              ParamSpec.integer(
                  "weight",
                  100,
                  1,
                  100,
                  "Weight of a preferred term against the pod's other preferences (1 to 100)."),
              ParamSpec.oneOf(
                  "topologyKey",
                  HOSTNAME,
                  List.of(HOSTNAME, ZONE),
                  "The failure domain members are kept apart in: a node or a zone.")));

  @Override
  public MutationInfo info() {
    return INFO;
  }

  @Override
  public void apply(MutationContext ctx) {
    StatefulSet set = ctx.statefulSet();
    Optional<LabelSelector> selector = PodIdentity.selector(set);
    Optional<PodSpec> pod = PodIdentity.podSpec(set);
    if (selector.isEmpty() || pod.isEmpty()) {
      return;
    }
    Affinity affinity = pod.get().getAffinity();
    PodAntiAffinity anti = affinity == null ? null : affinity.getPodAntiAffinity();
    if (anti != null && coversOwnPods(anti, set, ctx.namespace())) {
      return;
    }
    if (affinity == null) {
      affinity = new Affinity();
      pod.get().setAffinity(affinity);
    }
    if (anti == null) {
      anti = new PodAntiAffinity();
      affinity.setPodAntiAffinity(anti);
    }
    PodAffinityTerm term =
        new PodAffinityTermBuilder()
            .withLabelSelector(selector.get())
            .withTopologyKey(ctx.params().string("topologyKey"))
            .build();
    if (REQUIRED.equals(ctx.params().string("type"))) {
      List<PodAffinityTerm> required =
          new ArrayList<>(
              PodIdentity.nonNull(anti.getRequiredDuringSchedulingIgnoredDuringExecution()));
      required.add(term);
      anti.setRequiredDuringSchedulingIgnoredDuringExecution(required);
    } else {
      List<WeightedPodAffinityTerm> preferred =
          new ArrayList<>(
              PodIdentity.nonNull(anti.getPreferredDuringSchedulingIgnoredDuringExecution()));
      preferred.add(new WeightedPodAffinityTerm(term, ctx.params().integer("weight")));
      anti.setPreferredDuringSchedulingIgnoredDuringExecution(preferred);
    }
  }

  private static boolean coversOwnPods(PodAntiAffinity anti, StatefulSet set, String namespace) {
    for (PodAffinityTerm term :
        PodIdentity.nonNull(anti.getRequiredDuringSchedulingIgnoredDuringExecution())) {
      if (PodIdentity.coversOwnPods(term, set, namespace)) {
        return true;
      }
    }
    for (WeightedPodAffinityTerm weighted :
        PodIdentity.nonNull(anti.getPreferredDuringSchedulingIgnoredDuringExecution())) {
      if (weighted != null
          && PodIdentity.coversOwnPods(weighted.getPodAffinityTerm(), set, namespace)) {
        return true;
      }
    }
    return false;
  }
}
