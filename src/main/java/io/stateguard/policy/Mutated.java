package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;

/**
 * What the mutations did to one admitted object.
 *
 * @param object the object as the API server would store it after the patch: a mutated copy, or the
 *     admission's own object (on DELETE its old object) when nothing changed
 * @param patch the RFC 6902 patch from the admitted object to {@code object}; empty when nothing
 *     changed
 * @param applied the ids of the mutations that changed something, in catalogue order
 */
public record Mutated(HasMetadata object, Patch patch, List<String> applied) {

  public Mutated {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(patch, "patch");
    applied = List.copyOf(applied);
    if (patch.isEmpty() != applied.isEmpty()) {
      throw new IllegalArgumentException(
          "a patch needs the mutations that made it, and mutations that applied need a patch");
    }
  }

  /** Nothing changed: {@code object} stays as it is. */
  public static Mutated none(HasMetadata object) {
    return new Mutated(object, Patch.EMPTY, List.of());
  }

  public boolean changed() {
    return !patch.isEmpty();
  }
}
