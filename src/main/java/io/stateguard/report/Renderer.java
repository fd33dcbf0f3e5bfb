package io.stateguard.report;

import java.io.IOException;

/** Writes a {@link Report} in one output format. Implementations are stateless. */
public interface Renderer {

  /**
   * @param color whether ANSI colour may be used (only the table uses it, on a terminal)
   */
  void render(Report report, Appendable out, boolean color) throws IOException;
}
