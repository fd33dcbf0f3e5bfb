package io.stateguard.admission;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code /readyz} reports: named checks, each either fine or saying what is missing, and
 * whether the server is draining. Later parts (informer caches) add their own checks. Thread-safe.
 */
public final class Readiness {

  private final Map<String, Supplier<Optional<String>>> checks = new LinkedHashMap<>();
  private final Map<String, Supplier<String>> informational = new LinkedHashMap<>();
  private volatile boolean draining;

  /**
   * Adds a check named {@code name}; it returns what is not ready yet, or empty when ready. Checks
   * run on the event loop and must answer from memory.
   */
  public synchronized void add(String name, Supplier<Optional<String>> check) {
    checks.put(name, check);
  }

  /**
   * Adds a state shown by {@code /readyz} under {@code name} that never makes the server unready (a
   * degraded audit sink). Answers from memory, on the event loop.
   */
  public synchronized void addInformational(String name, Supplier<String> state) {
    informational.put(name, state);
  }

  /** From now on not ready: the server is shutting down. */
  void drain() {
    draining = true;
  }

  /** Each check with {@code ok} or what is missing; empty problems mean ready. */
  synchronized Report report() {
    Map<String, String> results = new LinkedHashMap<>();
    boolean ready = !draining;
    for (Map.Entry<String, Supplier<Optional<String>>> e : checks.entrySet()) {
      Optional<String> problem;
      try {
        problem = e.getValue().get();
      } catch (RuntimeException ex) {
        problem = Optional.of("check failed: " + ex);
      }
      results.put(e.getKey(), problem.orElse("ok"));
      ready &= problem.isEmpty();
    }
    for (Map.Entry<String, Supplier<String>> e : informational.entrySet()) {
      String state;
      try {
        state = e.getValue().get();
      } catch (RuntimeException ex) {
        state = "check failed: " + ex;
      }
      results.put(e.getKey(), state);
    }
    if (draining) {
      results.put("shutdown", "draining in-flight requests");
    }
    return new Report(ready, results);
  }

  record Report(boolean ready, Map<String, String> checks) {
    String text() {
      StringBuilder out = new StringBuilder(ready ? "ready\n" : "not ready\n");
      checks.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
      return out.toString();
    }
  }
}
