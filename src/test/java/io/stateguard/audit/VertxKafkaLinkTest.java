package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The link's own behaviour without a broker: a send that cannot be made fails through its stage,
 * and once closed every send fails at once with the reason. Delivery to a real broker is in {@code
 * AuditKafkaIT}.
 */
class VertxKafkaLinkTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private VertxKafkaLink link() {
    // Port 1 on the loopback: nothing answers, and metadata waits are kept short.
    AuditConfig config =
        AuditConfig.from(
            Map.of(
                "audit.kafka.bootstrap.servers", "127.0.0.1:1",
                "audit.kafka.property.max.block.ms", "300"));
    return new VertxKafkaLink(vertx, config.kafka().orElseThrow());
  }

  private static byte[] value() {
    return "{}".getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSendKafkaCannotTakeFailsThroughItsStageNotTheCaller() throws Exception {
    // Given a link to an address where no broker answers
    VertxKafkaLink link = link();

    // When an event is sent, and the sends are flushed some time later
    CompletableFuture<Void> sent = link.send("data/zk", value()).toCompletableFuture();
    Thread.sleep(1_000);
    boolean doneBeforeFlush = sent.isDone();
    link.flush();

    // Then nothing was tried before the flush (a metadata wait is 300 ms); after it the stage
    // fails once the metadata wait is over, not the caller
    assertThat(doneBeforeFlush).isFalse();
    assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(KafkaException.class);
    link.close(1_000).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void afterCloseEverySendFailsAtOnceSayingTheLogIsClosed() throws Exception {
    // Given a closed link
    VertxKafkaLink link = link();
    link.close(1_000).toCompletableFuture().get(30, TimeUnit.SECONDS);

    // When an event is sent
    CompletableFuture<Void> sent = link.send("data/zk", value()).toCompletableFuture();

    // Then it fails, naming why
    assertThatThrownBy(() -> sent.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("the audit log is closed");
  }

  @Test
  void sendsNotYetFlushedFailWhenTheLinkCloses() throws Exception {
    // Given a link with a send not yet flushed
    VertxKafkaLink link = link();
    CompletableFuture<Void> sent = link.send("data/zk", value()).toCompletableFuture();

    // When the link closes
    link.close(1_000).toCompletableFuture().get(30, TimeUnit.SECONDS);

    // Then the send fails, naming why, instead of waiting for ever
    assertThatThrownBy(() -> sent.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("the audit log is closed");
  }
}
