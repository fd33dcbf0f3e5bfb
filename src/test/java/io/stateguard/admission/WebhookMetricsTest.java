package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WebhookMetricsTest {

  @Test
  void kindLabelsAreBoundedInNumberAndShape() {
    WebhookMetrics metrics = new WebhookMetrics(new SimpleMeterRegistry());

    for (int i = 0; i < WebhookMetrics.MAX_KINDS; i++) {
      assertThat(metrics.kindLabel("Kind" + i)).isEqualTo("Kind" + i);
    }

    assertThat(metrics.kindLabel("OneTooMany")).isEqualTo(WebhookMetrics.OTHER);
    assertThat(metrics.kindLabel("Kind0"))
        .as("a kind seen before keeps its label")
        .isEqualTo("Kind0");
    assertThat(new WebhookMetrics(new SimpleMeterRegistry()).kindLabel("not a kind\n"))
        .isEqualTo(WebhookMetrics.OTHER);
  }

  @Test
  void endpointLabelsAreTheRoutesOrOther() {
    assertThat(WebhookVerticle.endpointLabel("/validate")).isEqualTo("validate");
    assertThat(WebhookVerticle.endpointLabel("/metrics")).isEqualTo("metrics");
    assertThat(WebhookVerticle.endpointLabel("/random/" + "x".repeat(100))).isEqualTo("other");
  }
}
