package io.stateguard.policy.rules;

import io.stateguard.policy.Rule;
import java.util.List;

/** The catalogue: every rule stateguard has, in the order reports list them. */
public final class Rules {

  private Rules() {}

  private static final List<Rule> ALL =
      List.of(
          new PvcRetentionRule(),
          new VolumeClaimTemplatesRule(),
          new AntiAffinityRule(),
          new SecurityContextRule(),
          new ResourcesRule(),
          new ImageTagRule(),
          new KnownTrapsRule());

  public static List<Rule> all() {
    return ALL;
  }
}
