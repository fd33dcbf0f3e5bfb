package io.stateguard.audit;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** One-line descriptions of failures for logs and status. */
final class Messages {

  private Messages() {}

  /** The root cause's class and message: {@code TimeoutException: Topic x not present ...}. */
  static String of(Throwable t) {
    Throwable root = unwrap(t);
    String message = root.getMessage();
    String name = root.getClass().getSimpleName();
    return message == null || message.isBlank() ? name : name + ": " + message.strip();
  }

  static Throwable unwrap(Throwable t) {
    Throwable root = t;
    while ((root instanceof CompletionException || root instanceof ExecutionException)
        && root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }
}
