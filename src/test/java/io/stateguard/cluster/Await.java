package io.stateguard.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on a condition in tests, instead of sleeping a guessed time. */
public final class Await {

  private Await() {}

  /** Waits up to {@code timeout} for {@code condition}; whether it came. */
  public static boolean within(Duration timeout, BooleanSupplier condition) {
    try {
      until("condition", timeout, condition);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Waits for {@code condition}, failing with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
