package io.stateguard.report;

import io.stateguard.policy.ObjectRef;
import java.util.Objects;

/**
 * Where a manifest came from: a file (as the user named it, {@code -} for standard input), the
 * 1-based line its document starts on (0 when unknown), and, for Helm-rendered output, the chart
 * template it was rendered from (the path in Helm's {@code # Source:} comment; empty otherwise).
 *
 * <p>{@code file} and {@code line} always point into the input that was read, so editors and code
 * scanners can open them; the template says which chart file to change.
 */
public record SourceLocation(String file, int line, String template) {

  public SourceLocation {
    Objects.requireNonNull(file, "file");
    template = template == null ? "" : template;
  }

  /** A location outside any Helm chart. */
  public SourceLocation(String file, int line) {
    this(file, line, "");
  }

  /**
   * Where a live object is: its name as messages give it ({@code statefulset data/zk}), in place of
   * a file, with no line. Formats that locate findings by file use it as the file.
   */
  public static SourceLocation of(ObjectRef object) {
    return new SourceLocation(object.toString(), 0);
  }

  /** Whether this is the location {@link #of(ObjectRef)} gives {@code object}. */
  public boolean isLive(ObjectRef object) {
    return line == 0 && template.isEmpty() && file.equals(object.toString());
  }

  /** {@code file:line}, followed by {@code (template)} for Helm output. */
  @Override
  public String toString() {
    String where = line > 0 ? file + ":" + line : file;
    return template.isEmpty() ? where : where + " (" + template + ")";
  }
}
