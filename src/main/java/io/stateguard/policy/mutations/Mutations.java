package io.stateguard.policy.mutations;

import io.stateguard.policy.Mutation;
import java.util.List;

/** The catalogue of mutations, in the order they are applied and listed. */
public final class Mutations {

  private Mutations() {}

  private static final List<Mutation> ALL =
      List.of(new PvcRetentionMutation(), new AntiAffinityMutation(), new TopologySpreadMutation());

  public static List<Mutation> all() {
    return ALL;
  }
}
