package io.stateguard.report;

import java.io.IOException;

/** Writes a {@link Report} in one output format. Implementations are stateless. */
public interface Renderer {

  /**
   * How to render.
   *
   * @param color whether ANSI colour may be used (only the table uses it, on a terminal)
   * @param showPatches whether the table lists each mutated object's patch operations (the json
   *     format always carries them; the others never do)
   */
  record Options(boolean color, boolean showPatches) {}

  /**
   * @param color whether ANSI colour may be used (only the table uses it, on a terminal)
   */
  void render(Report report, Appendable out, boolean color) throws IOException;

  /** Renders with {@code options}; formats with no use for an option ignore it. */
  default void render(Report report, Appendable out, Options options) throws IOException {
    render(report, out, options.color());
  }
}
