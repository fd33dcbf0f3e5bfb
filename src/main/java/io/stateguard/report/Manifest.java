package io.stateguard.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/** One Kubernetes object read from a manifest, typed where stateguard knows its kind. */
public record Manifest(HasMetadata object, SourceLocation source) {
  public Manifest {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(source, "source");
  }
}
