package io.stateguard.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about one informer cache at one moment.
 *
 * @param resource the resource it caches ({@code statefulsets}, {@code pods}, ...)
 * @param synced whether its first full list is in the cache
 * @param watching whether its watch is open now
 * @param stale how long it has not been current (synced and watching): zero while it is
 * @param problem the last list or watch failure, while it is not current
 */
public record CacheState(
    String resource, boolean synced, boolean watching, Duration stale, Optional<String> problem) {

  public CacheState {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(stale, "stale");
    Objects.requireNonNull(problem, "problem");
  }

  /** The state in a few words for {@code /readyz}: {@code ok}, or what is wrong. */
  public String describe() {
    if (!synced) {
      return "not synced" + problem.map(p -> " (" + p + ")").orElse("");
    }
    if (stale.isZero()) {
      return "ok";
    }
    return "stale for "
        + stale.toSeconds()
        + " s, cached state in use"
        + problem.map(p -> " (" + p + ")").orElse("");
  }
}
