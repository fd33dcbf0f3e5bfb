package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void aReportMadeWithoutAVersionNamesTheRunningStateguard() {
    // Given the tests run from compiled classes, with neither a jar manifest nor a Maven descriptor
    // When
    Report report = new Report(List.of(), List.of(), Map.of(), List.of());

    // Then
    assertThat(report.toolVersion()).isEqualTo("dev").isEqualTo(ToolVersion.current());
  }

  @Test
  void keepsTheVersionItIsGiven() {
    assertThat(new Report(List.of(), List.of(), Map.of(), List.of(), "1.2.3").toolVersion())
        .isEqualTo("1.2.3");
  }
}
