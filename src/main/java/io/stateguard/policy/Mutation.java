package io.stateguard.policy;

/**
 * One change the mutating webhook makes to a StatefulSet that lacks something its policy asks for,
 * with a stable id. Implementations are stateless and thread-safe.
 *
 * <p>A mutation changes {@link MutationContext#statefulSet()}, a private copy of the admitted
 * object, in place; the engine works out the RFC 6902 patch from the copy before and after. It
 * must:
 *
 * <ul>
 *   <li>only add what is missing, and never overwrite a value someone chose;
 *   <li>be idempotent: applied to its own output it changes nothing, so a second pass (the API
 *       server's {@code reinvocationPolicy: IfNeeded}) yields an empty patch;
 *   <li>leave everything else as it is (other affinity, other constraints, other fields).
 * </ul>
 *
 * <p>The engine decides whether it runs at all: its policy turns it on, the operation is a CREATE
 * (or an UPDATE where the policy sets {@value MutationInfo#ON_UPDATE}), the set is not being
 * deleted, the request is not exempt, and the set does not name the mutation in its {@value
 * #EXPLICIT_ANNOTATION} annotation.
 */
public interface Mutation {

  /** Lists, comma-separated, the mutations that changed the object: {@code pvc-retention,...}. */
  String MUTATED_ANNOTATION = "stateguard.io/mutated";

  /**
   * Lists, comma-separated, the mutations whose fields the object's owner chose ({@code *}: all):
   * those mutations leave the object alone.
   */
  String EXPLICIT_ANNOTATION = "stateguard.io/explicit";

  MutationInfo info();

  /** Adds what the policy asks for and {@code ctx.statefulSet()} lacks; nothing otherwise. */
  void apply(MutationContext ctx);

  default String id() {
    return info().id();
  }
}
