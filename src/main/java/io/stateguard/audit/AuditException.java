package io.stateguard.audit;

/**
 * An event that could not be kept as asked: the queue or the spool was full, or a sink failed. The
 * future of {@link AuditLog#record} fails with it; in {@link Durability#SYNC} the caller decides
 * whether to answer anyway.
 */
public final class AuditException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AuditException(String message) {
    super(message);
  }
}
