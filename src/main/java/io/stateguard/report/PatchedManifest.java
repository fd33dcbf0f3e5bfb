package io.stateguard.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stateguard.policy.ObjectRef;
import java.util.List;
import java.util.Objects;

/**
 * A manifest as it was read, with what the mutations add: what {@code --mutate-output} writes.
 *
 * @param object which object
 * @param source where its manifest was read
 * @param manifest the manifest with the mutations applied, without the API server's defaults
 * @param mutations the ids of the mutations that changed it
 */
public record PatchedManifest(
    ObjectRef object, SourceLocation source, HasMetadata manifest, List<String> mutations) {

  public PatchedManifest {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(manifest, "manifest");
    mutations = List.copyOf(mutations);
  }
}
