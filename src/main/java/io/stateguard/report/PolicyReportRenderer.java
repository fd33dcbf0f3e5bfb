package io.stateguard.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.time.Clock;

/**
 * {@code --format policyreport}: the report as Kubernetes report objects ({@link PolicyReports}),
 * one YAML document each, every document opened by {@code ---}, ready for {@code kubectl apply -f
 * -}. A report that evaluated nothing writes nothing.
 */
final class PolicyReportRenderer implements Renderer {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              // A message stays on one line, as kubectl prints it.
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  @Override
  public void render(Report report, Appendable out, boolean color) throws IOException {
    render(report, out, new Options(color, false, ReportApi.OPENREPORTS, Clock.systemUTC()));
  }

  @Override
  public void render(Report report, Appendable out, Options options) throws IOException {
    for (ObjectNode document :
        PolicyReports.documents(report, options.reportApi(), options.clock().instant())) {
      out.append(YAML.writeValueAsString(document));
    }
  }
}
