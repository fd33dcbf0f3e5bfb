package io.stateguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.stateguard.policy.Verdict;
import java.util.Optional;

/**
 * Where {@code /mutate} takes the JSON Patch it answers with: the one place that reads a patch out
 * of a verdict. The core has no mutation rules yet, so there is never a patch; when verdicts carry
 * one, this returns it as an RFC 6902 array and the endpoint encodes it (base64, {@code patchType:
 * JSONPatch}) with no other change.
 */
final class MutationPatch {

  private MutationPatch() {}

  /** The patch {@code verdict} asks for; empty when there is nothing to change. */
  static Optional<JsonNode> of(Verdict verdict) {
    return Optional.empty();
  }
}
