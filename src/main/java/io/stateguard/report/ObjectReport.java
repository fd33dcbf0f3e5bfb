package io.stateguard.report;

import io.stateguard.policy.Finding;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Patch;
import java.util.List;
import java.util.Map;
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
 * @param rulePolicies for each rule checked, the name of the policy under which it ran (what a
 *     passing rule is reported under; a finding names its own policy); a rule may be missing
 */
public record ObjectReport(
    ObjectRef object,
    SourceLocation source,
    boolean allowed,
    List<Finding> findings,
    List<String> rulesChecked,
    Optional<String> exemption,
    List<String> mutations,
    Patch patch,
    Map<String, String> rulePolicies) {

  public ObjectReport {
    findings = List.copyOf(findings);
    rulesChecked = List.copyOf(rulesChecked);
    mutations = List.copyOf(mutations);
    Objects.requireNonNull(patch, "patch");
    rulePolicies = Map.copyOf(rulePolicies);
  }

  /** The verdict on an object, without the policies its passing rules ran under. */
  public ObjectReport(
      ObjectRef object,
      SourceLocation source,
      boolean allowed,
      List<Finding> findings,
      List<String> rulesChecked,
      Optional<String> exemption,
      List<String> mutations,
      Patch patch) {
    this(object, source, allowed, findings, rulesChecked, exemption, mutations, patch, Map.of());
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

  /**
   * The policy {@code rule} ran under on this object: the one its findings name, else the one
   * recorded for it; empty when neither is known.
   */
  public String policyOf(String rule) {
    return findings.stream()
        .filter(f -> f.rule().equals(rule) && !f.policy().isEmpty())
        .map(Finding::policy)
        .findFirst()
        .orElse(rulePolicies.getOrDefault(rule, ""));
  }

  /** Whether a mutation changed the object. */
  public boolean mutated() {
    return !patch.isEmpty();
  }
}
