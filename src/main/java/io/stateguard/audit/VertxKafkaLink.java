package io.stateguard.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KafkaLink} over vertx-kafka-client. The producer is made on first use, and made again
 * after a failure to make it (a bootstrap name that does not resolve yet), at most every few
 * seconds: until then sends fail and the forwarder spools. Each record carries the CloudEvents
 * Kafka binding's structured-mode {@code content-type} header.
 *
 * <p>Sends go to the Kafka producer itself ({@link KafkaProducer#unwrap}) with its own callback,
 * from one thread of this link's: the Vert.x wrapper's send runs each record as a task on a worker
 * and completes it with two tasks on an event loop, thread hand-overs for every event on the cores
 * that answer admissions. A send can block its thread (for metadata, up to {@code max.block.ms}),
 * so it is never made on the audit writer's thread: the writer collects a round's sends and hands
 * them over at {@link #flush}, all at once, and goes on; the sender thread keeps their order.
 * Handing them over one by one would wake the sender thread while the writer is still at work on
 * its batch, the two of them then taking both cores of a small node from the threads that answer
 * admissions. Completions arrive on the producer's network thread.
 */
final class VertxKafkaLink implements KafkaLink {

  private static final Logger LOGGER = LoggerFactory.getLogger(VertxKafkaLink.class);
  static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
  private static final long RETRY_CREATE_NANOS = 5_000_000_000L;

  private final Vertx vertx;
  private final AuditConfig.KafkaSettings settings;
  private final List<Header> headers =
      List.of(new RecordHeader("content-type", CONTENT_TYPE.getBytes(StandardCharsets.UTF_8)));

  /** Makes the sends, in the order they were handed over (one thread). */
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "audit-kafka-send");
            t.setDaemon(true);
            return t;
          });

  /** Sends made since the last {@link #flush}, in order. */
  private List<Send> unflushed = new ArrayList<>();

  private KafkaProducer<String, byte[]> producer;
  private KafkaException createFailure;
  private long lastAttempt;
  private boolean closed;

  VertxKafkaLink(Vertx vertx, AuditConfig.KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** The producer, made now if it is not yet and the last attempt is old enough. */
  private synchronized KafkaProducer<String, byte[]> producer() {
    if (producer != null || closed) {
      return producer;
    }
    long now = System.nanoTime();
    if (createFailure != null && now - lastAttempt < RETRY_CREATE_NANOS) {
      return null;
    }
    lastAttempt = now;
    try {
      producer =
          KafkaProducer.create(
              vertx, settings.producer(), new StringSerializer(), new ByteArraySerializer());
      // Every failure also fails its send's future, where the forwarder handles it; without a
      // handler Vert.x would log each one again as unhandled.
      producer.exceptionHandler(failure -> {});
      if (createFailure != null) {
        LOGGER.atInfo().log("audit: Kafka producer created after earlier failures");
      }
      createFailure = null;
    } catch (KafkaException e) {
      if (createFailure == null) {
        LOGGER
            .atWarn()
            .addKeyValue("bootstrap", settings.bootstrapServers())
            .addKeyValue("reason", Messages.of(e))
            .log("audit: cannot create the Kafka producer; events are spooled and it is retried");
      }
      createFailure = e;
    }
    return producer;
  }

  /** A record and what its send completes. */
  private record Send(ProducerRecord<String, byte[]> record, CompletableFuture<Void> done) {}

  @Override
  public synchronized CompletionStage<Void> send(String key, byte[] value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(notCreated());
      return done;
    }
    unflushed.add(
        new Send(new ProducerRecord<>(settings.topic(), null, key, value, headers), done));
    return done;
  }

  @Override
  public void flush() {
    List<Send> sends;
    synchronized (this) {
      if (unflushed.isEmpty()) {
        return;
      }
      sends = unflushed;
      unflushed = new ArrayList<>();
    }
    try {
      sender.execute(
          () -> {
            for (Send s : sends) {
              sendNow(s.record(), s.done());
            }
          });
    } catch (RejectedExecutionException e) {
      for (Send s : sends) {
        s.done().completeExceptionally(notCreated()); // closed
      }
    }
  }

  /** On the sender thread: hands the record to the producer, which may block for metadata. */
  private void sendNow(ProducerRecord<String, byte[]> record, CompletableFuture<Void> done) {
    KafkaProducer<String, byte[]> p = producer();
    if (p == null) {
      done.completeExceptionally(notCreated());
      return;
    }
    try {
      p.unwrap()
          .send(
              record,
              (metadata, failure) -> {
                if (failure == null) {
                  done.complete(null);
                } else {
                  done.completeExceptionally(failure);
                }
              });
    } catch (RuntimeException e) {
      // Not an ApiException (those go to the callback): a closed producer, an interrupt.
      done.completeExceptionally(e);
    }
  }

  @Override
  public CompletionStage<Void> probe() {
    KafkaProducer<String, byte[]> p = producer();
    if (p == null) {
      return CompletableFuture.failedFuture(notCreated());
    }
    return stage(p.partitionsFor(settings.topic()).mapEmpty());
  }

  private synchronized KafkaException notCreated() {
    if (closed) {
      return new KafkaException("the audit log is closed");
    }
    return new KafkaException(
        "no Kafka producer: " + (createFailure == null ? "closed" : Messages.of(createFailure)));
  }

  /**
   * Closes the Kafka producer itself, on the calling thread (it blocks up to {@code
   * timeoutMillis}): closing through the Vert.x wrapper would queue behind sends that wait for
   * metadata while Kafka is unreachable. Sends still queued then fail at once.
   */
  @Override
  public CompletionStage<Void> close(long timeoutMillis) {
    KafkaProducer<String, byte[]> p;
    synchronized (this) {
      closed = true;
      p = producer;
      producer = null;
    }
    // Sends not handed over, and those handed over that find no producer, fail; later ones are
    // refused.
    flush();
    sender.shutdown();
    if (p == null) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      p.unwrap().close(Duration.ofMillis(timeoutMillis));
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CompletionStage<Void> stage(Future<Void> future) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    future.onComplete(
        ignored -> done.complete(null), failure -> done.completeExceptionally(failure));
    return done;
  }
}
