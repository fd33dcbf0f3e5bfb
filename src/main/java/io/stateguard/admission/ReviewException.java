package io.stateguard.admission;

/**
 * A request the webhook cannot answer with an AdmissionReview: the HTTP status to answer with and a
 * message saying what was wrong, written for the person reading the API server's log.
 */
final class ReviewException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;

  ReviewException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static ReviewException badRequest(String message) {
    return new ReviewException(400, message);
  }

  int status() {
    return status;
  }
}
