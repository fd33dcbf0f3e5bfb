package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's "Install" section describes the chart as it is. */
class ChartReadmeTest {

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyValueTheInstallTableNamesIsAValueOfTheChart() throws IOException {
    // Given the values named in the first column of the Install section's table
    List<String> named = new ArrayList<>();
    for (String row : installSection().lines().filter(l -> l.startsWith("| `")).toList()) {
      Matcher m = CODE.matcher(row.substring(0, row.indexOf(" | ")));
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    JsonNode values = Chart.read(Chart.DIR.resolve("values.yaml"));

    // Then
    assertThat(named).as("values named in the README's Install table").hasSizeGreaterThan(10);
    assertThat(named)
        .allSatisfy(
            path ->
                assertThat(values.at("/" + path.replace('.', '/')).isMissingNode())
                    .as("README names %s, which values.yaml does not have", path)
                    .isFalse());
  }

  @Test
  void installSectionUsesTheChartsCiFilesThatExist() throws IOException {
    // Given
    Matcher m = Pattern.compile("charts/stateguard/ci/([a-z-]+\\.yaml)").matcher(installSection());

    // Then
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(Chart.DIR.resolve("ci").resolve(m.group(1))).exists();
    }
    assertThat(found).isPositive();
  }

  private static String installSection() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## Install\n");
    assertThat(start).as("README has an Install section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
