package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The readiness text of the informer caches: what {@code /readyz} says about each. */
class CacheStateTest {

  private static final String SERVER = "https://10.96.0.1:443/";

  private static CacheState synced(String resource) {
    return new CacheState(resource, true, true, Duration.ZERO, Optional.empty());
  }

  @Test
  void aCurrentCacheIsOk() {
    assertThat(synced("pods").describe()).isEqualTo("ok");
  }

  @Test
  void aCacheNotSyncedSaysWhyWhenKnown() {
    assertThat(
            new CacheState(
                    "pods",
                    false,
                    false,
                    Duration.ofSeconds(4),
                    Optional.of("ConnectException: Connection refused"))
                .describe())
        .isEqualTo("not synced (ConnectException: Connection refused)");
    assertThat(new CacheState("pods", false, false, Duration.ZERO, Optional.empty()).describe())
        .isEqualTo("not synced");
  }

  @Test
  void aStaleCacheSaysForHowLongAndThatItsStateIsStillUsed() {
    CacheState stale =
        new CacheState(
            "services",
            true,
            false,
            Duration.ofMillis(42_700),
            Optional.of("API server unreachable"));

    assertThat(stale.describe())
        .isEqualTo("stale for 42 s, cached state in use (API server unreachable)");
  }

  @Test
  void notReadyNamesTheServerAndEachCacheNotSynced() {
    List<CacheState> caches =
        List.of(
            synced("statefulsets"),
            new CacheState(
                "poddisruptionbudgets",
                false,
                false,
                Duration.ofSeconds(3),
                Optional.of("ConnectException: Connection refused")),
            new CacheState("pods", false, false, Duration.ofSeconds(3), Optional.empty()));

    assertThat(InformerClusterView.notReady(SERVER, caches))
        .contains(
            "not synced from https://10.96.0.1:443/: poddisruptionbudgets (ConnectException:"
                + " Connection refused), pods");
  }

  @Test
  void readyOnceEverySyncedEvenWhenStale() {
    // A stale cache still gives verdicts: an unready webhook would stop every admission instead
    List<CacheState> caches =
        List.of(
            synced("statefulsets"),
            new CacheState(
                "pods",
                true,
                false,
                Duration.ofSeconds(90),
                Optional.of("API server unreachable")));

    assertThat(InformerClusterView.notReady(SERVER, caches)).isEmpty();
  }
}
