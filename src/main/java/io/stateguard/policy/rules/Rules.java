package io.stateguard.policy.rules;

import io.stateguard.policy.Rule;
import java.util.List;

/** The catalogue: every rule stateguard has, in the order reports list them. */
public final class Rules {

  private Rules() {}

  private static final List<Rule> ALL =
      List.of(
          new HeadlessService(),
          new ParallelPodManagementRule(),
          new ReadinessProbeRule(),
          new TerminationGracePeriodRule(),
          new RollingPartitionRule(),
          new UpdateStrategyRule(),
          new RollingMaxUnavailableRule(),
          new PvcRetentionRule(),
          new VolumeClaimTemplatesRule(),
          new StorageClassRule(),
          new AntiAffinityRule(),
          new ReplicasQuorumRule(),
          new ScaleDownRule(),
          new SecurityContextRule(),
          new ResourcesRule(),
          new ImageTagRule(),
          new KnownTrapsRule(),
          new PdbQuorum(),
          new PdbBlocksMaintenance(),
          new PdbOverlap(),
          new PdbCoverage(),
          new StatefulSetDeleteProtection(),
          new QuorumGuardRule());

  public static List<Rule> all() {
    return ALL;
  }
}
