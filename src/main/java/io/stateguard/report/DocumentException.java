package io.stateguard.report;

/**
 * A document that cannot be read, with the 1-based line (within the document's text) where the
 * trouble is and a message a person can act on. Carries no stack trace: it is reported, never
 * logged.
 */
final class DocumentException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int line;

  DocumentException(int line, String message) {
    super(message, null, false, false);
    this.line = line;
  }

  int line() {
    return line;
  }
}
