package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.stateguard.cluster.CacheState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code cluster-caches} line of {@code /readyz}. */
class ClusterCachesTest {

  private static CacheState ok(String resource) {
    return new CacheState(resource, true, true, Duration.ZERO, Optional.empty());
  }

  @Test
  void saysOkWhileEveryCacheIsCurrent() {
    assertThat(ClusterCaches.summary(List.of(ok("statefulsets"), ok("pods")))).isEqualTo("ok");
  }

  @Test
  void namesEachCacheThatIsNotCurrentOnOneLine() {
    List<CacheState> caches =
        List.of(
            ok("statefulsets"),
            new CacheState(
                "services",
                true,
                false,
                Duration.ofSeconds(20),
                Optional.of("HttpConnectTimeoutException:\nHTTP connect timed out")),
            new CacheState("pods", false, false, Duration.ofSeconds(20), Optional.empty()));

    assertThat(ClusterCaches.summary(caches))
        .isEqualTo(
            "services: stale for 20 s, cached state in use (HttpConnectTimeoutException: HTTP"
                + " connect timed out); pods: not synced");
  }

  @Test
  void aNotSyncedClusterMakesReadyzNotReadyAndAStaleOneDoesNot() {
    Readiness readiness = new Readiness();
    readiness.add("cluster", () -> Optional.of("not synced from https://k8s:443/: pods"));
    readiness.addInformational("cluster-caches", () -> "pods: not synced");

    assertThat(readiness.report().text())
        .isEqualTo(
            "not ready\ncluster: not synced from https://k8s:443/: pods\n"
                + "cluster-caches: pods: not synced\n");

    Readiness stale = new Readiness();
    stale.add("cluster", Optional::empty);
    stale.addInformational("cluster-caches", () -> "pods: stale for 20 s, cached state in use");
    assertThat(stale.report().text())
        .isEqualTo(
            "ready\ncluster: ok\ncluster-caches: pods: stale for 20 s, cached state in use\n");
  }
}
