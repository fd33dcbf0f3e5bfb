package io.stateguard.ledger;

/** A decision could not be read or recorded; the message says why, for the person denied. */
final class LedgerException extends Exception {
  private static final long serialVersionUID = 1L;

  LedgerException(String message, Throwable cause) {
    super(message, cause);
  }

  LedgerException(String message) {
    super(message);
  }
}
