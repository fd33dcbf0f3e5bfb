package io.stateguard.audit;

import io.stateguard.policy.Operation;
import io.stateguard.policy.UserInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Small events for delivery tests, and a condition wait. */
final class TestEvents {

  private TestEvents() {}

  /** Event {@code id} about statefulset {@code namespace/name}. */
  static AuditEvent event(String id, String namespace, String name) {
    return new AuditEvent(
        id,
        "/stateguard/test/replica-0",
        Instant.parse("2026-03-01T10:00:00Z"),
        new AuditEvent.Resource("apps", "v1", "StatefulSet", namespace, name),
        Origin.VALIDATE,
        Operation.UPDATE,
        "",
        new UserInfo("alice", List.of("dev")),
        false,
        true,
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "sha256:test",
        Duration.ofMillis(1));
  }

  static AuditEvent event(int i) {
    return event("event-" + i, "data", "zk-" + (i % 7));
  }

  /** Waits for {@code condition}, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
