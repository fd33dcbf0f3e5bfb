package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.stateguard.admission.ServeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log output {@code serve} sets up: every line kept, in order, on standard error. */
class LoggingTest {

  private static final Logger LOGGER = LoggerFactory.getLogger(LoggingTest.class);

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stderr;

  @BeforeEach
  void captureStandardError() {
    stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() throws Exception {
    System.setErr(stderr);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void keepsEveryInfoLineOfABurstLargerThanTheQueueInOrder() {
    // Given serve's logging
    Logging.configure(ServeConfig.LogFormat.TEXT);
    int lines = Logging.QUEUE * 3;

    // When a burst of decisions is logged at INFO, far more than the queue holds, and a warning
    for (int i = 0; i < lines; i++) {
      LOGGER.atInfo().addKeyValue("n", i).log("decision {}", i);
    }
    LOGGER.atWarn().log("a warning");
    Logging.stop();

    // Then every line reached standard error once, the INFO lines in the order logged
    List<String> out = captured.toString(StandardCharsets.UTF_8).lines().toList();
    List<String> info = out.stream().filter(l -> l.contains(" INFO ")).toList();
    assertThat(info).hasSize(lines);
    for (int i = 0; i < lines; i += 997) {
      assertThat(info.get(i)).contains("decision " + i + " n=\"" + i + "\"");
    }
    assertThat(info.get(lines - 1)).contains("decision " + (lines - 1));
    assertThat(out)
        .filteredOn(l -> l.contains(" WARN "))
        .singleElement()
        .asString()
        .contains("a warning");
    assertThat(out).hasSize(lines + 1);
  }

  @Test
  void writesWarningsBeforeTheCallReturns() {
    // Given serve's logging
    Logging.configure(ServeConfig.LogFormat.JSON);

    // When a warning is logged
    LOGGER.atWarn().addKeyValue("sink", "file").log("audit: sink failing");

    // Then it is on standard error already, not waiting in a queue
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("audit: sink failing");
    Logging.stop();
  }
}
