package io.stateguard.cli;

import io.stateguard.audit.AuditConfig;
import io.stateguard.audit.AuditConfigException;
import io.stateguard.audit.AuditEvents;
import io.stateguard.audit.AuditLog;
import io.stateguard.audit.AuditStatus;
import io.stateguard.audit.Origin;
import io.stateguard.report.ReportRunner;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The audit stream of {@code stateguard report --audit}: each decision becomes one audit event, as
 * the webhook's do ({@code origin: report}, {@code id}: the manifest's stable hash). Settings are
 * the {@code audit.*} keys of {@code serve}, given with {@code --audit-set}; with none, events go
 * to the JSON-lines file {@code stateguard-audit.jsonl}.
 */
final class ReportAudit implements AutoCloseable {

  private final AuditLog log;
  private final AuditEvents events;
  private final String policyVersion;
  private final AuditConfig config;

  private ReportAudit(AuditConfig config, AuditLog log, String policyVersion) {
    this.config = config;
    this.log = log;
    this.events = new AuditEvents(config.source(), Clock.systemUTC());
    this.policyVersion = policyVersion;
  }

  /**
   * Starts the audit log of a report.
   *
   * @param settings {@code KEY=VALUE} pairs; the {@code audit.} prefix may be left out
   * @throws CommandLine.ParameterException for bad settings, naming each
   */
  static ReportAudit start(
      CommandLine cli, Map<String, String> settings, String policyVersion, PrintStream stdout) {
    Map<String, String> all = new HashMap<>();
    all.put("audit.replica", "report");
    settings.forEach((k, v) -> all.put(k.startsWith("audit.") ? k : "audit." + k, v));
    try {
      AuditConfig config = AuditConfig.from(all);
      return new ReportAudit(config, AuditLog.start(config, stdout), policyVersion);
    } catch (AuditConfigException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage(), e);
    }
  }

  /** The listener that records each decision of the run. */
  ReportRunner.DecisionListener listener() {
    return (admission, verdict, took) ->
        log.record(
            events
                .decision(Origin.REPORT, admission, verdict, policyVersion, took)
                .withPatch(Optional.of(verdict.patch().json())));
  }

  /**
   * Delivers (or spools) every event, and says on {@code err} what did not reach its sink. Does not
   * change the exit status: the report itself is complete either way.
   */
  void finish(PrintWriter err) throws InterruptedException {
    try {
      log.close()
          .toCompletableFuture()
          .get(config.closeTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      err.println("stateguard: audit: could not close the audit log: " + e.getMessage());
    }
    AuditStatus status = log.status();
    if (log.dropped() > 0) {
      err.println("stateguard: audit: " + log.dropped() + " events could not be recorded");
    }
    for (String problem : status.problems()) {
      err.println("stateguard: audit: " + problem);
    }
    if (status.spoolBytes() > 0) {
      err.println(
          "stateguard: audit: events not yet delivered wait in "
              + config.spool().dir()
              + " and are sent by the next run with the same audit.spool.dir");
    }
    err.flush();
  }

  /** Stops the log if {@link #finish} was not reached (an error mid-run); never waits. */
  @Override
  public void close() {
    log.close();
  }
}
