package io.stateguard.audit;

import java.util.concurrent.CompletionStage;

/**
 * The connection to Kafka the forwarder sends through. Sends made in order are written in order for
 * one key. Completions may arrive on any thread.
 */
interface KafkaLink {

  /**
   * Sends one event; completes when the broker acknowledged it (acks=all) or it failed. The send
   * may wait until the next {@link #flush}.
   */
  CompletionStage<Void> send(String key, byte[] value);

  /** Hands every send made since the last flush on to Kafka, in order. */
  void flush();

  /** Asks the cluster for the topic's partitions: completes when reachable, fails otherwise. */
  CompletionStage<Void> probe();

  /** Closes the producer, waiting for sends still in flight at most {@code timeoutMillis}. */
  CompletionStage<Void> close(long timeoutMillis);
}
