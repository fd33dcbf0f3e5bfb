package io.stateguard.policy.mutations;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.MutationContext;
import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.ParamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code topology-spread}: adds a topology spread constraint on the set's own selector, so members
 * are spread evenly over zones (or nodes). A set that already has a constraint on the same topology
 * key is left alone: its owner has decided, and the API server rejects two constraints with the
 * same key and the same whenUnsatisfiable.
 */
final class TopologySpreadMutation implements Mutation {

  static final String SCHEDULE_ANYWAY = "ScheduleAnyway";
  static final String DO_NOT_SCHEDULE = "DoNotSchedule";

  private static final MutationInfo INFO =
      new MutationInfo(
          "topology-spread",
          "Adds a topology spread constraint on the set's own labels, so members spread over zones",
          "Anti-affinity keeps members off one node; a spread constraint keeps their count per"
              + " zone even, so losing a zone takes as few members as the zones allow. This"
              + " mutation appends to spec.template.spec.topologySpreadConstraints one constraint"
              + " whose labelSelector is the set's own selector, with the policy's topologyKey,"
              + " maxSkew and whenUnsatisfiable. It adds nothing to a set that already has a"
              + " constraint on that topology key. ScheduleAnyway (the default) only steers the"
              + " scheduler; DoNotSchedule leaves a member Pending rather than unbalance the zones,"
              + " which is what the anti-affinity rule counts as keeping members apart but can"
              + " hold a member back while a zone is down. The constraint is part of the pod"
              + " template: added to an existing set (on UPDATE, with onUpdate) it restarts every"
              + " pod.",
          true,
          List.of(
              ParamSpec.oneOf(
                  "topologyKey",
                  AntiAffinityMutation.ZONE,
                  List.of(AntiAffinityMutation.ZONE, AntiAffinityMutation.HOSTNAME),
                  "The domains members are spread over: zones or nodes."),
              ParamSpec.integer(
                  "maxSkew",
                  1,
                  1,
                  Integer.MAX_VALUE,
                  "The largest allowed difference in members between two domains."),
              ParamSpec.oneOf(
                  "whenUnsatisfiable",
                  SCHEDULE_ANYWAY,
                  List.of(SCHEDULE_ANYWAY, DO_NOT_SCHEDULE),
                  "ScheduleAnyway: prefer an even spread; DoNotSchedule: require it.")));

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
    String key = ctx.params().string("topologyKey");
    List<TopologySpreadConstraint> constraints =
        new ArrayList<>(PodIdentity.nonNull(pod.get().getTopologySpreadConstraints()));
    if (constraints.stream().anyMatch(c -> c != null && key.equals(c.getTopologyKey()))) {
      return;
    }
    constraints.add(
        new TopologySpreadConstraintBuilder()
            .withLabelSelector(selector.get())
            .withTopologyKey(key)
            .withMaxSkew(ctx.params().integer("maxSkew"))
            .withWhenUnsatisfiable(ctx.params().string("whenUnsatisfiable"))
            .build());
    pod.get().setTopologySpreadConstraints(constraints);
  }
}
