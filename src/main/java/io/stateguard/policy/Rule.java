package io.stateguard.policy;

/**
 * One check with a stable id. Implementations are stateless and thread-safe: the engine calls them
 * concurrently. A rule reads the admitted object and the cluster view from the context and reports
 * what it finds there; the policy decides what each finding does.
 */
public interface Rule {

  RuleInfo info();

  /** Reports every problem found in {@code ctx.subject()}; reports nothing when it is fine. */
  void check(RuleContext ctx);

  default String id() {
    return info().id();
  }
}
