package io.stateguard.report;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;

/** Writes a {@link Report} in one output format. Implementations are stateless. */
public interface Renderer {

  /**
   * How to render.
   *
   * @param color whether ANSI colour may be used (only the table uses it, on a terminal)
   * @param showPatches whether the table lists each mutated object's patch operations (the json
   *     format always carries them; the others never do)
   * @param reportApi the API of the objects {@code policyreport} writes
   * @param clock what {@code policyreport} takes the time of its results from
   */
  record Options(boolean color, boolean showPatches, ReportApi reportApi, Clock clock) {

    public Options {
      Objects.requireNonNull(reportApi, "reportApi");
      Objects.requireNonNull(clock, "clock");
    }

    /** Options for formats that write no report objects: OpenReports, at the current time. */
    public Options(boolean color, boolean showPatches) {
      this(color, showPatches, ReportApi.OPENREPORTS, Clock.systemUTC());
    }
  }

  /**
   * @param color whether ANSI colour may be used (only the table uses it, on a terminal)
   */
  void render(Report report, Appendable out, boolean color) throws IOException;

  /** Renders with {@code options}; formats with no use for an option ignore it. */
  default void render(Report report, Appendable out, Options options) throws IOException {
    render(report, out, options.color());
  }
}
