package io.stateguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

/** Words the API server's refusals for people: what the status code means, or the root cause. */
final class ApiErrors {

  private ApiErrors() {}

  /** The API server's own message when it sent a Status, else the innermost cause's. */
  static String statusMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return rootMessage(e);
  }

  /**
   * Why a request got no answer, in words: the connection was refused, the host is unknown, TLS
   * failed, or the request timed out; else the innermost cause's message.
   */
  static String unreachable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String detail =
          cause.getMessage() == null || cause.getMessage().isBlank()
              ? ""
              : ": " + cause.getMessage();
      if (cause instanceof ConnectException) {
        return "connection refused" + detail;
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host" + detail;
      }
      if (cause instanceof SSLException) {
        return "TLS failed" + detail;
      }
      if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
        return "timed out" + detail;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return rootMessage(e);
  }

  /** The innermost cause's message: {@code Connection refused} rather than a wrapper's. */
  static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
  }
}
