package io.stateguard.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Kafka link a test answers by hand: every send waits until it is flushed and the test
 * acknowledges or fails it. For the forwarder's state machine; the real broker is exercised by the
 * {@code *IT} tests.
 */
final class ScriptedLink implements KafkaLink {

  record Send(String key, String value, CompletableFuture<Void> result) {}

  /** Sends flushed, in order: the ones Kafka would have. */
  final List<Send> sends = new ArrayList<>();

  private final List<Send> unflushed = new ArrayList<>();

  @Override
  public synchronized CompletionStage<Void> send(String key, byte[] value) {
    Send s = new Send(key, new String(value, StandardCharsets.UTF_8), new CompletableFuture<>());
    unflushed.add(s);
    return s.result();
  }

  @Override
  public synchronized void flush() {
    sends.addAll(unflushed);
    unflushed.clear();
  }

  /** Sends made and not yet flushed. */
  synchronized int unflushed() {
    return unflushed.size();
  }

  @Override
  public CompletionStage<Void> probe() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> close(long timeoutMillis) {
    return CompletableFuture.completedFuture(null);
  }

  synchronized List<Send> pending() {
    return sends.stream().filter(s -> !s.result().isDone()).toList();
  }

  synchronized void ackAll() {
    pending().forEach(s -> s.result().complete(null));
  }

  synchronized void failAll(Throwable t) {
    pending().forEach(s -> s.result().completeExceptionally(t));
  }

  /** The values acknowledged, in the order they were sent. */
  synchronized List<String> delivered() {
    return sends.stream()
        .filter(s -> s.result().isDone() && !s.result().isCompletedExceptionally())
        .map(Send::value)
        .toList();
  }
}
