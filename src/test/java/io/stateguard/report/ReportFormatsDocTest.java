package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples in {@code docs/report-formats.md} are what the renderers really write. */
class ReportFormatsDocTest {

  private static final Pattern EXAMPLE =
      Pattern.compile(
          "<!-- output of: (\\w+)(, only the denied object)? -->\n```\\w+\n(.*?)```",
          Pattern.DOTALL);

  @Test
  void everyExampleInTheFormatDocumentIsCurrentOutput() throws IOException {
    // Given the examples, keyed by format
    String doc = Files.readString(Path.of("docs/report-formats.md"));
    Map<Format, String> examples = new LinkedHashMap<>();
    Matcher m = EXAMPLE.matcher(doc);
    while (m.find()) {
      Format format = Format.parse(m.group(1));
      assertThat(format).as("format named in the example marker '%s'", m.group(1)).isNotNull();
      StringBuilder actual = new StringBuilder();
      // When that format renders the documented report
      format
          .renderer()
          .render(Reports.documented(m.group(2) != null), actual, Reports.DOCUMENTED_OPTIONS);
      // Then the example is its output
      assertThat(m.group(3)).as("example of %s", format.id()).isEqualTo(actual.toString());
      examples.put(format, m.group(3));
    }
    assertThat(examples.keySet()).as("one example per format").containsExactly(Format.values());
  }
}
