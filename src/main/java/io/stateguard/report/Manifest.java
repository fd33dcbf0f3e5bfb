package io.stateguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * One Kubernetes object read from a manifest, typed where stateguard knows its kind.
 *
 * @param object the object, with the API server's defaults filled in
 * @param source where it was read
 * @param written for a kind mutations may change (StatefulSet), the object as the manifest wrote
 *     it, before defaults: what {@code --mutate-output} adds the mutations to; empty otherwise
 */
public record Manifest(HasMetadata object, SourceLocation source, Optional<JsonNode> written) {
  public Manifest {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(written, "written");
  }

  /** A manifest whose written form is not kept. */
  public Manifest(HasMetadata object, SourceLocation source) {
    this(object, source, Optional.empty());
  }
}
