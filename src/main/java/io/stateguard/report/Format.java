package io.stateguard.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The output formats of {@code stateguard report}, by the name {@code --format} takes. */
public enum Format {
  /** For people: grouped by object, a summary line; colour on a terminal. */
  TABLE(new TableRenderer()),
  /** For programs: the schema in {@code docs/report.schema.json}. */
  JSON(new JsonRenderer()),
  /** SARIF 2.1.0, for code-scanning tools. */
  SARIF(new SarifRenderer()),
  /** JUnit XML, for CI test reports. */
  JUNIT(new JunitRenderer()),
  /** Kubernetes report objects (OpenReports or wgpolicyk8s.io), as multi-document YAML. */
  POLICYREPORT(new PolicyReportRenderer());

  private final Renderer renderer;

  Format(Renderer renderer) {
    this.renderer = renderer;
  }

  /**
   * The name {@code --format} takes: {@code table}, {@code json}, {@code sarif}, {@code junit},
   * {@code policyreport}.
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The renderer of this format; stateless, so shared. */
  public Renderer renderer() {
    return renderer;
  }

  /** Parses {@code table|json|sarif|junit|policyreport}; null when the text is none of them. */
  public static Format parse(String text) {
    for (Format format : values()) {
      if (format.id().equals(text)) {
        return format;
      }
    }
    return null;
  }

  /** Every name {@code --format} accepts, in declaration order (for help and completion). */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Format::id).toList();
  }
}
