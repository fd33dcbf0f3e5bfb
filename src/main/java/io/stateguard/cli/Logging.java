package io.stateguard.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.stateguard.admission.ServeConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log output of {@code serve}, chosen at start: one line per event on standard error, as text
 * for people or as JSON objects for log collectors ({@code --log-format json}). Key-value pairs
 * given with SLF4J's fluent API ({@code uid}, {@code rule}, ...) appear as {@code key=value} in
 * text and in the {@code kvpList} of JSON lines.
 */
final class Logging {

  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%replace( %kvp){'^ $',''}%n";

  /** Lines waiting for the queued appender; a burst of this many decisions never waits. */
  static final int QUEUE = 8192;

  /** How long stopping waits for queued lines to be written. */
  private static final int FLUSH_MILLIS = 5_000;

  private Logging() {}

  /** Replaces whatever logging was set up with {@code format} at INFO. */
  static void configure(ServeConfig.LogFormat format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return; // another SLF4J backend was put on the class path: leave it to its own settings
    }
    context.reset();
    // WARN and ERROR lines are written at once by the thread that logs them: they are rare, and
    // the last ones before a crash are the ones that matter (a dropped audit event's line is its
    // record of last resort). INFO and DEBUG lines, one per decision on a busy webhook, go through
    // a queue to a thread of their own, so that a slow standard error (a full pipe to the
    // container runtime, a disk busy writing back) never holds up an event loop, nor the other
    // event loop waiting for the appender's lock. The queue never drops a line; when it is full,
    // logging waits as it did without it. Lines keep their order within each of the two groups.
    ConsoleAppender<ILoggingEvent> direct = console("stderr", format, context);
    direct.addFilter(atLeast(Level.WARN, FilterReply.NEUTRAL, FilterReply.DENY));
    direct.start();
    ConsoleAppender<ILoggingEvent> queued = console("stderr-queued", format, context);
    queued.start();
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("stderr-async");
    async.setQueueSize(QUEUE);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(false);
    async.setMaxFlushTime(FLUSH_MILLIS);
    async.addAppender(queued);
    async.addFilter(atLeast(Level.WARN, FilterReply.DENY, FilterReply.NEUTRAL));
    async.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(direct);
    root.addAppender(async);
    // Netty and Vert.x report client mistakes (a failed TLS handshake, a reset) at levels that
    // read as server faults; the webhook's own lines say what matters.
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
  }

  /** A console appender on standard error, not started. */
  private static ConsoleAppender<ILoggingEvent> console(
      String name, ServeConfig.LogFormat format, LoggerContext context) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setTarget("System.err");
    appender.setEncoder(encoder(format, context));
    return appender;
  }

  /**
   * A filter answering {@code atLeast} for events at {@code level} or above, else {@code below}.
   */
  private static Filter<ILoggingEvent> atLeast(
      Level level, FilterReply atLeast, FilterReply below) {
    Filter<ILoggingEvent> filter =
        new Filter<>() {
          @Override
          public FilterReply decide(ILoggingEvent event) {
            return event.getLevel().isGreaterOrEqual(level) ? atLeast : below;
          }
        };
    filter.start();
    return filter;
  }

  /** Writes what is buffered and stops the appenders: the last thing before the process exits. */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  private static Encoder<ILoggingEvent> encoder(
      ServeConfig.LogFormat format, LoggerContext context) {
    return switch (format) {
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        yield text;
      }
      case JSON -> {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMDC(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        yield json;
      }
    };
  }
}
