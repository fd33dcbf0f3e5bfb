package io.stateguard.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision on one admission: allowed or not, with every finding behind it (a denial carries all
 * its reasons, not the first found). Immutable; built by the named factories.
 *
 * @param allowed whether the request may proceed
 * @param findings every finding, in rule order; enforced ones first is not guaranteed
 * @param exemption why the policy did not apply (an exempt user or a break-glass reason), or empty
 */
public record Verdict(boolean allowed, List<Finding> findings, Optional<String> exemption) {

  public Verdict {
    findings = List.copyOf(findings);
    Objects.requireNonNull(exemption, "exemption");
    boolean enforced = findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE);
    if (!allowed && !enforced) {
      throw new IllegalArgumentException("a denial needs at least one enforced finding");
    }
    if (allowed && enforced && exemption.isEmpty()) {
      throw new IllegalArgumentException("an enforced finding denies unless an exemption applies");
    }
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

  /** The findings that deny the request. */
  public List<Finding> violations() {
    return findings.stream().filter(f -> f.mode() == Mode.ENFORCE).toList();
  }

  /** The findings answered as admission warnings. */
  public List<Finding> warnings() {
    return findings.stream().filter(f -> f.mode() == Mode.WARN).toList();
  }
}
