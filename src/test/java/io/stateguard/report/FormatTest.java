package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void mapsEachFormatNameToItsRenderer() {
    assertThat(Format.parse("table").renderer()).isInstanceOf(TableRenderer.class);
    assertThat(Format.parse("json").renderer()).isInstanceOf(JsonRenderer.class);
    assertThat(Format.parse("sarif").renderer()).isInstanceOf(SarifRenderer.class);
    assertThat(Format.parse("junit").renderer()).isInstanceOf(JunitRenderer.class);
    assertThat(Format.parse("policyreport").renderer()).isInstanceOf(PolicyReportRenderer.class);
  }

  @Test
  void acceptsOnlyTheDocumentedNames() {
    assertThat(Format.ids()).containsExactly("table", "json", "sarif", "junit", "policyreport");
    assertThat(Format.parse("JSON")).isNull();
    assertThat(Format.parse("xml")).isNull();
    assertThat(Format.parse(null)).isNull();
  }
}
