package io.stateguard.cli;

import io.stateguard.report.JsonRenderer;
import io.stateguard.report.JunitRenderer;
import io.stateguard.report.Renderer;
import io.stateguard.report.SarifRenderer;
import io.stateguard.report.TableRenderer;

/** The formats of {@code stateguard report}. */
enum OutputFormat {
  table,
  json,
  sarif,
  junit;

  Renderer renderer() {
    return switch (this) {
      case table -> new TableRenderer();
      case json -> new JsonRenderer();
      case sarif -> new SarifRenderer();
      case junit -> new JunitRenderer();
    };
  }
}
