package io.stateguard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision on one admission: allowed or not, with every finding behind it (a denial carries all
 * its reasons, not the first found), and the patch the mutations made. Immutable; built by the
 * named factories.
 *
 * @param allowed whether the request may proceed
 * @param findings every finding, in rule order; enforced ones first is not guaranteed
 * @param exemption why the policy did not apply (an exempt user or a break-glass reason), or empty
 * @param patch the RFC 6902 patch the mutations made to the object before it was validated; empty
 *     when nothing was changed (and always for a verdict of validation alone)
 */
public record Verdict(
    boolean allowed, List<Finding> findings, Optional<String> exemption, Patch patch) {

  public Verdict {
    findings = List.copyOf(findings);
    Objects.requireNonNull(exemption, "exemption");
    Objects.requireNonNull(patch, "patch");
    boolean enforced = findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE);
    if (!allowed && !enforced) {
      throw new IllegalArgumentException("a denial needs at least one enforced finding");
    }
    if (allowed && enforced && exemption.isEmpty()) {
      throw new IllegalArgumentException("an enforced finding denies unless an exemption applies");
    }
  }

  /** A verdict without a patch. */
  public Verdict(boolean allowed, List<Finding> findings, Optional<String> exemption) {
    this(allowed, findings, exemption, Patch.EMPTY);
  }

  /** Allowed with nothing to say. */
  public static Verdict allow() {
    return new Verdict(true, List.of(), Optional.empty());
  }

  /** Denied when any finding is enforced, allowed otherwise. */
  public static Verdict of(List<Finding> findings) {
    boolean enforced = findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE);
    return new Verdict(!enforced, findings, Optional.empty());
  }

  /** Allowed despite the findings, because of {@code reason} (kept for the record). */
  public static Verdict exempt(List<Finding> findings, String reason) {
    return new Verdict(true, findings, Optional.of(reason));
  }

  /** This verdict carrying {@code patch} instead of its own. */
  public Verdict withPatch(Patch patch) {
    return new Verdict(allowed, findings, exemption, patch);
  }

  /**
   * This verdict carrying the RFC 6902 operations {@code ops}.
   *
   * @throws IllegalArgumentException when they are not a valid patch
   */
  public Verdict withPatch(List<JsonNode> ops) {
    return withPatch(Patch.of(ops));
  }

  /** The findings that deny the request. */
  public List<Finding> violations() {
    return findings.stream().filter(f -> f.mode() == Mode.ENFORCE).toList();
  }

  /** The findings answered as admission warnings. */
  public List<Finding> warnings() {
    return findings.stream().filter(f -> f.mode() == Mode.WARN).toList();
  }
}
