package io.stateguard.admission;

import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyLoader;
import io.stateguard.policy.Mutation;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.PolicySet;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.mutations.Mutations;
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
  private final AtomicReference<Snapshot> current;

  private LivePolicies(Path source, List<Rule> rules, Snapshot first) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.current = new AtomicReference<>(first);
  }

  /**
   * Loads the policies of {@code source} (a folder or one file) for {@code rules}.
   *
   * @throws PolicyException with every problem of every file
   */
  public static LivePolicies load(Path source, List<Rule> rules) throws PolicyException {
    return new LivePolicies(source, rules, read(source, rules));
  }

  /** Fixed policies that are never reloaded (tests, and callers that load by other means). */
  static LivePolicies of(PolicyEngine engine, String version) {
    return new LivePolicies(null, engine.rules(), new Snapshot(engine, version, Instant.now()));
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
    Snapshot next = read(source, rules);
    current.set(next);
    return next;
  }

  private static Snapshot read(Path source, List<Rule> rules) throws PolicyException {
    List<RuleInfo> infos = rules.stream().map(Rule::info).toList();
    // Policies may configure mutations as well as rules: the same files load here as in a report.
    List<Mutation> mutations = Mutations.all();
    LoadedPolicies loaded =
        PolicyLoader.load(source, infos, mutations.stream().map(Mutation::info).toList());
    PolicyEngine engine = new PolicyEngine(new PolicySet(loaded.policies()), rules, mutations);
    return new Snapshot(engine, loaded.version(), Instant.now());
  }
}
