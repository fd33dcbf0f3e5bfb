package io.stateguard.admission;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stateguard.cluster.CacheState;
import io.stateguard.cluster.InformerClusterView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the webhook shows of the informer caches: {@code /readyz} is not ready until every cache has
 * synced (naming those that have not), and shows any stale cache without becoming unready (the
 * cached state still gives verdicts, and an unready webhook would stop every admission); {@code
 * /metrics} has, per resource:
 *
 * <ul>
 *   <li>{@code stateguard_cluster_cache_stale_seconds{resource}}: how long the cache has not been
 *       current (not synced, or its watch down); 0 while it is;
 *   <li>{@code stateguard_cluster_cache_synced{resource}}: 1 once its first list is in, else 0.
 * </ul>
 */
final class ClusterCaches {

  private ClusterCaches() {}

  static void register(InformerClusterView view, Readiness readiness, MeterRegistry registry) {
    readiness.add("cluster", view::notReady);
    readiness.addInformational("cluster-caches", () -> summary(view.caches()));
    for (CacheState cache : view.caches()) {
      String resource = cache.resource();
      Gauge.builder(
              "stateguard_cluster_cache_stale_seconds",
              view,
              v -> state(v, resource).stale().toMillis() / 1000.0)
          .description(
              "How long the informer cache has not been current (not synced, or its watch down);"
                  + " 0 while it is")
          .baseUnit("seconds")
          .tag("resource", resource)
          .register(registry);
      Gauge.builder(
              "stateguard_cluster_cache_synced", view, v -> state(v, resource).synced() ? 1 : 0)
          .description("1 once the informer cache has its first full list, else 0")
          .tag("resource", resource)
          .register(registry);
    }
  }

  /** {@code ok}, or each cache that is not current and why. */
  static String summary(List<CacheState> caches) {
    List<CacheState> off = caches.stream().filter(c -> !c.describe().equals("ok")).toList();
    if (off.isEmpty()) {
      return "ok";
    }
    return Texts.oneLine(
        off.stream()
            .map(c -> c.resource() + ": " + c.describe())
            .collect(Collectors.joining("; ")));
  }

  private static CacheState state(InformerClusterView view, String resource) {
    return view.caches().stream()
        .filter(c -> c.resource().equals(resource))
        .findFirst()
        .orElseThrow();
  }
}
