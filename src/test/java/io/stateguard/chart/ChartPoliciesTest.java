package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart ships the repository's policies. Helm cannot read files outside a chart, so the chart
 * keeps a copy in {@code charts/stateguard/policies/}; this test keeps the copy identical.
 */
class ChartPoliciesTest {

  private static final Path SHIPPED = Path.of("policies");
  private static final Path COPY = Chart.DIR.resolve("policies");
  private static final String RESYNC =
      "\nThe chart cannot read files outside itself, so it keeps a copy of policies/*.yaml. Re-sync"
          + " it from the repository root:\n"
          + "  rm charts/stateguard/policies/*.yaml && cp policies/*.yaml charts/stateguard/policies/";

  @Test
  void chartCopyOfThePoliciesEqualsThePoliciesFolderByteForByte() throws IOException {
    // Given
    List<String> shipped = yamlFiles(SHIPPED);
    List<String> copied = yamlFiles(COPY);

    // When
    List<String> problems = new ArrayList<>();
    for (String name : shipped) {
      if (!copied.contains(name)) {
        problems.add(name + " is missing from the chart");
      } else if (!Arrays.equals(
          Files.readAllBytes(SHIPPED.resolve(name)), Files.readAllBytes(COPY.resolve(name)))) {
        problems.add(name + " differs from policies/" + name);
      }
    }
    for (String name : copied) {
      if (!shipped.contains(name)) {
        problems.add(name + " is in the chart but no longer in policies/");
      }
    }

    // Then
    assertThat(shipped).as("policies/*.yaml").isNotEmpty();
    assertThat(problems).as("charts/stateguard/policies/ against policies/" + RESYNC).isEmpty();
  }

  @Test
  void chartCopyHoldsNothingButPolicyFiles() throws IOException {
    // Given the chart renders policies/*.yaml into the ConfigMap
    List<String> everything;
    try (Stream<Path> files = Files.list(COPY)) {
      everything = files.map(p -> p.getFileName().toString()).sorted().toList();
    }

    // Then anything else there would be shipped in the chart but never used
    assertThat(everything).as("files in " + COPY + RESYNC).isEqualTo(yamlFiles(COPY));
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
