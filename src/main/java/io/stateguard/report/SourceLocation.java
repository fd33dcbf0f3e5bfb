package io.stateguard.report;

/**
 * Where a manifest came from: a file (as the user named it, {@code -} for standard input) and the
 * 1-based line its document starts on (0 when unknown).
 */
public record SourceLocation(String file, int line) {

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
