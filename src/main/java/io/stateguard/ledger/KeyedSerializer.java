package io.stateguard.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs tasks on an executor one at a time per key, in the order they were submitted, and tasks of
 * different keys in parallel. Nobody waits on a lock: a task is started when the one before it of
 * the same key completes. Thread-safe.
 */
final class KeyedSerializer {

  private final ConcurrentHashMap<String, CompletableFuture<Void>> tails =
      new ConcurrentHashMap<>();
  private final Executor executor;

  KeyedSerializer(Executor executor) {
    this.executor = executor;
  }

  <T> CompletableFuture<T> submit(String key, Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Void> mine = new CompletableFuture<>();
    // put is atomic: the order of puts is the order the tasks of one key run in.
    CompletableFuture<Void> before = tails.put(key, mine);
    Runnable run =
        () -> {
          try {
            result.complete(task.get());
          } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
          } finally {
            mine.complete(null);
            tails.remove(key, mine);
          }
        };
    Runnable start =
        () -> {
          try {
            executor.execute(run);
          } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
            mine.complete(null);
            tails.remove(key, mine);
          }
        };
    if (before == null) {
      start.run();
    } else {
      before.whenComplete((v, e) -> start.run());
    }
    return result;
  }

  /** How many keys have a task queued or running (for tests). */
  int busyKeys() {
    return tails.size();
  }
}
