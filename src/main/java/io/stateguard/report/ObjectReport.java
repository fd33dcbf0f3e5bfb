package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.ObjectRef;
import java.util.List;
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
 */
public record ObjectReport(
    ObjectRef object,
    SourceLocation source,
    boolean allowed,
    List<Finding> findings,
    List<String> rulesChecked,
    Optional<String> exemption) {
  public ObjectReport {
    findings = List.copyOf(findings);
    rulesChecked = List.copyOf(rulesChecked);
  }
}
