package io.stateguard.admission;

import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Rule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The policies in force: an engine swapped whole when a reload succeeds, so every request is
 * decided by one consistent set of policies, and a failed reload leaves the last good set in force.
 *
 * <p>Reads are lock-free from any thread; loads do blocking file I/O and belong on a worker.
 */
public final class LivePolicies {

  /**
   * One loaded set of policies.
   *
   * @param engine the engine deciding with them
   * @param version the load's version ({@code sha256:...} over the files), for logs and audit
   * @param loadedAt when they were loaded
   */
  public record Snapshot(PolicyEngine engine, String version, Instant loadedAt) {
    public Snapshot {
      Objects.requireNonNull(engine, "engine");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(loadedAt, "loadedAt");
    }
  }

  private final Path source;
  private final List<Rule> rules;
  private final List<Mutation> mutations;
  private final AtomicReference<Snapshot> current;

  private LivePolicies(Path source, List<Rule> rules, List<Mutation> mutations, Snapshot first) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.mutations = List.copyOf(mutations);
    this.current = new AtomicReference<>(first);
  }

  /**
   * Loads the policies of {@code source} (a folder or one file), which may configure {@code rules}
   * and {@code mutations}.
   *
   * @throws PolicyException with every problem of every file
   */
  public static LivePolicies load(Path source, List<Rule> rules, List<Mutation> mutations)
      throws PolicyException {
    return new LivePolicies(source, rules, mutations, read(source, rules, mutations));
  }

  /** Fixed policies that are never reloaded (tests, and callers that load by other means). */
  static LivePolicies of(PolicyEngine engine, String version) {
    return new LivePolicies(
        null, engine.rules(), engine.mutations(), new Snapshot(engine, version, Instant.now()));
  }

  /** The folder or file the policies come from; null for fixed policies. */
  Path source() {
    return source;
  }

  public Snapshot current() {
    return current.get();
  }

  public PolicyEngine engine() {
    return current.get().engine();
  }

  /**
   * Reads the source again and puts its policies in force.
   *
   * @return the new snapshot
   * @throws PolicyException with every problem; the policies in force stay as they were
   */
  Snapshot reload() throws PolicyException {
    if (source == null) {
      return current.get();
    }
    Snapshot next = read(source, rules, mutations);
    current.set(next);
    return next;
  }

  private static Snapshot read(Path source, List<Rule> rules, List<Mutation> mutations)
      throws PolicyException {
    LoadedPolicies loaded =
        PolicyLoader.load(
            source,
            rules.stream().map(Rule::info).toList(),
            mutations.stream().map(Mutation::info).toList());
    PolicyEngine engine = new PolicyEngine(loaded.policySet(), rules, mutations);
    return new Snapshot(engine, loaded.version(), Instant.now());
  }
}
