package io.stateguard.admission;

import io.stateguard.config.PolicyException;
import io.stateguard.config.PolicyProblem;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the policies when their files change. A good change is put in force at once; a bad one is
 * logged with every problem (file, line, field) and counted, and the last good policies stay in
 * force until the files change again.
 *
 * <p>{@link #check()} does blocking file I/O: it runs on a worker, one call at a time.
 */
final class PolicyWatcher {

  private static final Logger LOGGER = LoggerFactory.getLogger(PolicyWatcher.class);

  private final LivePolicies policies;
  private final WebhookMetrics metrics;
  private String seen;

  /**
   * Watches {@code policies}.
   *
   * @param loaded the {@link Fingerprint} of the files, taken before they were loaded
   */
  PolicyWatcher(LivePolicies policies, String loaded, WebhookMetrics metrics) {
    this.policies = policies;
    this.metrics = metrics;
    this.seen = loaded;
  }

  /** Reloads when the files changed since the last check; returns whether they had. */
  synchronized boolean check() {
    String now;
    try {
      now = Fingerprint.of(List.of(policies.source()));
    } catch (IOException e) {
      LOGGER
          .atWarn()
          .addKeyValue("source", policies.source())
          .log("cannot read the policies to check for changes: {}", e.toString());
      return false;
    }
    if (now.equals(seen)) {
      return false;
    }
    seen = now;
    try {
      LivePolicies.Snapshot loaded = policies.reload();
      metrics.policyReload(true);
      LOGGER
          .atInfo()
          .addKeyValue("source", policies.source())
          .addKeyValue("version", loaded.version())
          .addKeyValue("policies", loaded.engine().policies().policies().size())
          .log("policies reloaded");
    } catch (PolicyException e) {
      metrics.policyReload(false);
      List<PolicyProblem> problems = e.problems();
      LOGGER
          .atError()
          .addKeyValue("source", policies.source())
          .addKeyValue("problems", problems.size())
          .addKeyValue("version", policies.current().version())
          .log(
              "policies not reloaded: {} problem(s); the policies loaded before stay in force",
              problems.size());
      for (PolicyProblem p : problems) {
        LOGGER.atError().addKeyValue("source", p.source()).log("{}", Texts.oneLine(p.toString()));
      }
    } catch (RuntimeException e) {
      metrics.policyReload(false);
      LOGGER
          .atError()
          .addKeyValue("source", policies.source())
          .setCause(e)
          .log("policies not reloaded; the policies loaded before stay in force");
    }
    return true;
  }
}
