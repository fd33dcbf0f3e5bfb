package io.stateguard.config;

import io.stateguard.policy.Policy;
import io.stateguard.policy.PolicySet;
import java.util.List;
import java.util.Objects;

/**
 * The policies of one load, and its version.
 *
 * @param policies in load order: files sorted by name, documents in file order
 * @param version {@code sha256:<hex>} over every file's name and bytes in load order; the same
 *     files give the same version anywhere, so audit events can say which policies decided
 */
public record LoadedPolicies(List<Policy> policies, String version) {

  public LoadedPolicies {
    policies = List.copyOf(policies);
    Objects.requireNonNull(version, "version");
  }

  public PolicySet policySet() {
    return new PolicySet(policies);
  }
}
