package io.stateguard.policy;

import java.util.Locale;

/**
 * What kind of stateful system a workload is; rules and policies differ by class. Chosen by the
 * {@value #LABEL} label, or by the classifiers of the policies (image patterns, labels).
 */
public enum WorkloadClass {
  /** Needs a majority of members up (ZooKeeper, etcd, Consul, KRaft controllers). */
  QUORUM,
  /** A replicated database (PostgreSQL, MySQL, Kafka brokers). */
  DATABASE,
  /** Loses nothing that cannot be rebuilt (Redis as a cache, Memcached). */
  CACHE,
  /** Anything else. */
  DEFAULT;

  public static final String LABEL = "stateguard.io/class";

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a class id; null when the text names no class. */
  public static WorkloadClass parse(String text) {
    for (WorkloadClass c : values()) {
      if (c.id().equals(text)) {
        return c;
      }
    }
    return null;
  }
}
