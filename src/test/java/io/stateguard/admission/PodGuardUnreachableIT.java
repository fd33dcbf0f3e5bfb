package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stateguard.policy.rules.Members;
import io.stateguard.policy.rules.Rules;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server cannot be reached while a pod delete is decided: the webhook answers all the same,
 * denying with the reason (fail closed, the default) or allowing with a warning (fail open).
 */
class PodGuardUnreachableIT {

  private KubernetesClient gone;
  private PodGuard guard;

  @BeforeEach
  void connectToNothing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://127.0.0.1:" + port)
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout(1000)
            .withRequestTimeout(1000)
            .build();
    gone = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterEach
  void close() {
    if (guard != null) {
      guard.close();
    }
    gone.close();
  }

  private AdmissionResponse deleteOfAQuorumMember(boolean failOpen) throws Exception {
    guard =
        new PodGuard(
            gone,
            new PodGuardSettings("stateguard", "replica-a", Duration.ofMinutes(2), failOpen),
            Clock.systemUTC(),
            new SimpleMeterRegistry(),
            2);
    AdmissionHandler validate =
        new AdmissionHandler(
            Endpoint.VALIDATE,
            LivePolicies.load(GuardReviews.policies(), Rules.all(), List.of()),
            io.stateguard.policy.ClusterView.empty(),
            new WebhookMetrics(new SimpleMeterRegistry()),
            null,
            null,
            guard);
    Pod zk1 = Members.ready(Members.set("data", "zk", 3)).get(1);
    byte[] body = GuardReviews.delete("u-1", zk1, false);
    return validate.processReview(ReviewCodec.decode(body)).getResponse();
  }

  @Test
  void deniesWithTheReasonWhenFailingClosed() throws Exception {
    AdmissionResponse response = deleteOfAQuorumMember(false);

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .contains(
            "stateguard could not check and record the delete of pod data/zk-1 in its disruption"
                + " ledger (the API server could not be reached")
        .contains("denied to protect the quorum of its StatefulSet");
  }

  @Test
  void allowsWithAWarningWhenFailingOpen() throws Exception {
    AdmissionResponse response = deleteOfAQuorumMember(true);

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings())
        .singleElement()
        .asString()
        .contains("allowed without the quorum check (the ledger fails open)");
  }
}
