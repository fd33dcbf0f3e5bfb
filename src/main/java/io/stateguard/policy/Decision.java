package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * An admission decided the way the API server decides it: mutated first, then validated.
 *
 * @param verdict the validation of the mutated object, carrying the mutation's patch
 * @param mutation what the mutations did, and the object as it would be stored
 */
public record Decision(Verdict verdict, Mutated mutation) {

  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(mutation, "mutation");
    if (!verdict.patch().equals(mutation.patch())) {
      throw new IllegalArgumentException("the verdict must carry the mutation's patch");
    }
  }

  /** The object as the API server would store it. */
  public HasMetadata object() {
    return mutation.object();
  }
}
