package io.stateguard.cli;

import io.stateguard.admission.ServeConfig;

/** Sets up logging as {@code serve} does, for benchmarks outside this package. */
public final class ServeLogging {

  private ServeLogging() {}

  /** {@code serve}'s text log on standard error. */
  public static void configure() {
    Logging.configure(ServeConfig.LogFormat.TEXT);
  }

  /** Writes what is queued and stops the appenders. */
  public static void stop() {
    Logging.stop();
  }
}
