package io.stateguard.report;

/** Input that could not be read as a Kubernetes object: where, and what was wrong. */
public record LoadProblem(SourceLocation source, String message) {
  @Override
  public String toString() {
    return source + ": " + message;
  }
}
