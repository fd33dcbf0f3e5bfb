package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict on one evaluated object.
 *
 * @param object the object
 * @param source where its manifest was
 * @param allowed whether the cluster would admit it
 * @param findings all findings, enforced, warned and audited
 * @param rulesChecked the ids of the rules that were evaluated on it (not off)
 * @param exemption why enforcement was lifted, if it was
 * @param mutations the ids of the mutations that changed it before it was validated
 * @param patch the RFC 6902 patch those mutations make; empty when they changed nothing
 */
public record ObjectReport(
    ObjectRef object,
    SourceLocation source,
    boolean allowed,
    List<Finding> findings,
    List<String> rulesChecked,
    Optional<String> exemption,
    List<String> mutations,
    Patch patch) {

  public ObjectReport {
    findings = List.copyOf(findings);
    rulesChecked = List.copyOf(rulesChecked);
    mutations = List.copyOf(mutations);
    Objects.requireNonNull(patch, "patch");
  }

  /** The verdict on an object no mutation changed. */
  public ObjectReport(
      ObjectRef object,
      SourceLocation source,
      boolean allowed,
      List<Finding> findings,
      List<String> rulesChecked,
      Optional<String> exemption) {
    this(object, source, allowed, findings, rulesChecked, exemption, List.of(), Patch.EMPTY);
  }

  /** Whether a mutation changed the object. */
  public boolean mutated() {
    return !patch.isEmpty();
  }
}
