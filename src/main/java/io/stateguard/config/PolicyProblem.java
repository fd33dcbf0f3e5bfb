package io.stateguard.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * One thing wrong with a policy file: the file, where in it (1-based line and column; 0 when the
 * problem concerns the whole file), the field path ({@code spec.rules.readiness-probe.mode}; empty
 * when the problem is not about one field) and what is wrong.
 *
 * <p>{@link #toString()} gives the form editors and terminals understand: {@code
 * policies/quorum.yaml:14:7: spec.quorum: expected ...}.
 */
public record PolicyProblem(String source, int line, int column, String path, String message)
    implements Serializable {

  public PolicyProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(source);
    if (line > 0) {
      out.append(':').append(line);
      if (column > 0) {
        out.append(':').append(column);
      }
    }
    out.append(": ");
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }
}
