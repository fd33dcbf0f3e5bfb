package io.stateguard.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;
import java.util.Optional;

/**
 * One request to admit a change, whether it came from the API server or from a manifest in a
 * report. Objects are already defaulted as the API server defaults them.
 *
 * @param uid the request uid (a stable hash for reports)
 * @param operation what is being done
 * @param kind the object's kind ({@code StatefulSet})
 * @param subResource the subresource ({@code eviction}), or empty
 * @param namespace the request's namespace, or empty for cluster-scoped objects
 * @param name the object's name
 * @param object the new object; absent on DELETE
 * @param oldObject the existing object; present on UPDATE and DELETE
 * @param options the operation's options ({@code DeleteOptions}, ...), when sent
 * @param user who asked
 * @param dryRun true when nothing will be persisted (no side effects allowed)
 */
public record Admission(
    String uid,
    Operation operation,
    String kind,
    String subResource,
    String namespace,
    String name,
    Optional<HasMetadata> object,
    Optional<HasMetadata> oldObject,
    Optional<Object> options,
    UserInfo user,
    boolean dryRun) {

  public Admission {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
    subResource = subResource == null ? "" : subResource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(oldObject, "oldObject");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(user, "user");
    if (operation != Operation.DELETE && object.isEmpty()) {
      throw new IllegalArgumentException(operation + " of " + kind + " " + name + " has no object");
    }
  }

  /** The admission a report makes of one manifest: a CREATE by nobody, not a dry run. */
  public static Admission ofManifest(String uid, HasMetadata object) {
    return new Admission(
        uid,
        Operation.CREATE,
        object.getKind(),
        "",
        object.getMetadata().getNamespace(),
        object.getMetadata().getName(),
        Optional.of(object),
        Optional.empty(),
        Optional.empty(),
        UserInfo.NONE,
        false);
  }

  /**
   * This admission in another namespace (a report's {@code --namespace} for objects naming none).
   */
  public Admission withNamespace(String ns) {
    return new Admission(
        uid, operation, kind, subResource, ns, name, object, oldObject, options, user, dryRun);
  }

  /**
   * This admission with {@code replacement} as its object: what validation sees after the mutations
   * changed it.
   */
  public Admission withObject(HasMetadata replacement) {
    Objects.requireNonNull(replacement, "replacement");
    return new Admission(
        uid,
        operation,
        kind,
        subResource,
        namespace,
        name,
        Optional.of(replacement),
        oldObject,
        options,
        user,
        dryRun);
  }

  /** The object this admission is about: the new one, or the old one on DELETE. */
  public HasMetadata subject() {
    return object.or(() -> oldObject).orElseThrow();
  }
}
