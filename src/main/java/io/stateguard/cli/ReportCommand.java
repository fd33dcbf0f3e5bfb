package io.stateguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stateguard.cluster.ClusterSnapshot;
import io.stateguard.cluster.KubeClients;
import io.stateguard.cluster.ManifestClusterView;
import io.stateguard.cluster.ReportWriter;
import io.stateguard.config.LoadedPolicies;
import io.stateguard.config.PolicyException;
import io.stateguard.policy.PolicyEngine;
import io.stateguard.policy.Severity;
import io.stateguard.policy.mutations.Mutations;
import io.stateguard.policy.rules.Rules;
import io.stateguard.report.Format;
import io.stateguard.report.Loaded;
import io.stateguard.report.ManifestLoader;
import io.stateguard.report.PatchedManifest;
import io.stateguard.report.PatchedManifestWriter;
import io.stateguard.report.PolicyReports;
import io.stateguard.report.Renderer;
import io.stateguard.report.Report;
import io.stateguard.report.ReportApi;
import io.stateguard.report.ReportRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stateguard report}: evaluates manifests offline exactly as the admission webhook would,
 * and writes the findings in one of several formats.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate Kubernetes manifests against the policies, as the cluster would; or, with"
          + " --cluster, the StatefulSets and PodDisruptionBudgets a live cluster holds, in audit"
          + " mode.",
      "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 bad usage, unreadable input"
          + " or an API server that could not be read."
    })
final class ReportCommand implements Callable<Integer> {

  enum FailOn {
    error,
    warning,
    never
  }

  enum Color {
    auto,
    always,
    never
  }

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description = "Files or directories of manifests (same as -f).")
  List<String> paths = new ArrayList<>();

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE|DIR|-",
      description =
          "Manifests to evaluate: YAML (multi-document), JSON, kind: List, Helm output;"
              + " directories recursively; - for standard input. Repeatable.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description =
          "Folder of StatefulPolicy files. Default: the policies shipped with stateguard.")
  Path policies;

  @Option(
      names = {"-o", "--format"},
      defaultValue = "table",
      converter = FormatConverter.class,
      description = "table, json, sarif, junit or policyreport. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--fail-on",
      defaultValue = "error",
      description =
          "Exit 1 when a finding is at or above this severity: error, warning or never."
              + " Default: ${DEFAULT-VALUE}.")
  FailOn failOn;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "Files: the namespace of objects that name none (default: default). --cluster: the"
              + " namespace to read (default: the kubeconfig context's namespace, as kubectl).")
  String namespace;

  @Option(
      names = "--cluster",
      description =
          "Evaluate the objects of a live cluster instead of files, in audit mode: nothing is"
              + " denied, each finding keeps the mode its policy gives it.")
  boolean cluster;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "With --cluster: the kubeconfig to connect with (its current context). Default: the"
              + " in-cluster service account, then KUBECONFIG, then ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "With --cluster: read every namespace.")
  boolean allNamespaces;

  @Option(
      names = "--policyreport-api",
      paramLabel = "API",
      defaultValue = "openreports",
      converter = ReportApiConverter.class,
      description =
          "The report objects of --format policyreport and --apply-reports: openreports"
              + " (openreports.io/v1alpha1 Report) or wgpolicyk8s (wgpolicyk8s.io/v1alpha2"
              + " PolicyReport). Default: ${DEFAULT-VALUE}.")
  ReportApi reportApi;

  @Option(
      names = "--apply-reports",
      description =
          "With --cluster: also create or replace one report object per namespace in the cluster"
              + " (named stateguard, of the kind --policyreport-api says), and delete stateguard's"
              + " reports in namespaces read that no longer hold anything to report on.")
  boolean applyReports;

  @Option(
      names = "--color",
      defaultValue = "auto",
      description = "auto (on a terminal only), always or never. Default: ${DEFAULT-VALUE}.")
  Color color;

  @Option(
      names = "--no-mutate",
      description =
          "Validate each manifest as written. Default: mutate it first, as the cluster's mutating"
              + " webhook would, and validate the result.")
  boolean noMutate;

  @Option(
      names = "--show-patches",
      description =
          "In the table, list the JSON Patch operations the mutations make to each object (the"
              + " json format always has them).")
  boolean showPatches;

  @Option(
      names = "--mutate-output",
      paramLabel = "DIR",
      description =
          "Write each manifest a mutation changes, with the changes, to"
              + " DIR/<namespace>/<kind>-<name>.yaml.")
  Path mutateOutput;

  @Option(names = "--debug", description = "Show stack traces of unexpected errors.")
  boolean debug;

  @Option(
      names = "--audit",
      description =
          "Also record each decision as an audit event (CloudEvents JSON), by default to the"
              + " JSON-lines file stateguard-audit.jsonl.")
  boolean audit;

  @Option(
      names = "--audit-set",
      paramLabel = "KEY=VALUE",
      description =
          "An audit setting (implies --audit), as for serve; the audit. prefix may be left out:"
              + " file=decisions.jsonl, kafka.bootstrap.servers=kafka:9092, stdout=true. Repeatable."
              + " See docs/audit-events.md.")
  Map<String, String> auditSettings = new LinkedHashMap<>();

  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      Format f = Format.parse(value);
      if (f == null) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a format; use one of " + String.join(", ", Format.ids()));
      }
      return f;
    }
  }

  static final class ReportApiConverter implements CommandLine.ITypeConverter<ReportApi> {
    @Override
    public ReportApi convert(String value) {
      ReportApi api = ReportApi.parse(value);
      if (api == null) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not a report API; use one of "
                + String.join(", ", ReportApi.ids()));
      }
      return api;
    }
  }

  @Override
  public Integer call() throws IOException, PolicyException, InterruptedException {
    List<String> inputs = new ArrayList<>(paths);
    inputs.addAll(files);
    checkUsage(inputs);
    if (cluster) {
      return callCluster();
    }
    LoadedPolicies loadedPolicies = PolicySources.load(policies);
    PolicyEngine engine =
        new PolicyEngine(loadedPolicies.policySet(), Rules.all(), Mutations.all());
    Loaded loaded =
        new ManifestLoader(namespace == null ? ManifestClusterView.DEFAULT_NAMESPACE : namespace)
            .load(inputs, System.in);
    ReportRunner runner = new ReportRunner(engine, !noMutate);
    List<IOException> writeFailures = new ArrayList<>();
    Consumer<PatchedManifest> patched = null;
    if (mutateOutput != null) {
      PatchedManifestWriter writer = new PatchedManifestWriter(mutateOutput);
      patched =
          manifest -> {
            try {
              writer.write(manifest);
            } catch (IOException e) {
              writeFailures.add(e);
            }
          };
    }
    Report report;
    if (audit || !auditSettings.isEmpty()) {
      try (ReportAudit trail =
          ReportAudit.start(
              spec.commandLine(), auditSettings, loadedPolicies.version(), System.out)) {
        report = runner.run(loaded, trail.listener(), patched);
        trail.finish(spec.commandLine().getErr());
      }
    } else {
      report = runner.run(loaded, (admission, verdict, took) -> {}, patched);
    }
    if (!writeFailures.isEmpty()) {
      throw writeFailures.get(0);
    }
    write(report);
    return exitCode(report);
  }

  /** Options that contradict each other, or the choice between files and a cluster. */
  private void checkUsage(List<String> inputs) {
    CommandLine cli = spec.commandLine();
    if (cluster) {
      if (!inputs.isEmpty()) {
        throw new CommandLine.ParameterException(
            cli,
            "--cluster reads the objects of a cluster: it cannot be combined with manifests ("
                + String.join(", ", inputs)
                + ")");
      }
      if (showPatches || mutateOutput != null) {
        throw new CommandLine.ParameterException(
            cli,
            "--cluster evaluates objects as stored, without mutations: it cannot be combined with "
                + (showPatches ? "--show-patches" : "--mutate-output"));
      }
      if (allNamespaces && namespace != null) {
        throw new CommandLine.ParameterException(
            cli, "--namespace and --all-namespaces contradict each other: give one");
      }
      return;
    }
    for (String clusterOnly : List.of("--kubeconfig", "--all-namespaces", "--apply-reports")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(clusterOnly)) {
        throw new CommandLine.ParameterException(
            cli, clusterOnly + " reads or writes a live cluster: it needs --cluster");
      }
    }
    if (inputs.isEmpty()) {
      throw new CommandLine.ParameterException(
          cli,
          "no manifests given: name files or directories, -f - for stdin, or --cluster for the"
              + " objects of a live cluster");
    }
    if (noMutate && (showPatches || mutateOutput != null)) {
      throw new CommandLine.ParameterException(
          cli,
          "--no-mutate makes no patches: it cannot be combined with "
              + (showPatches ? "--show-patches" : "--mutate-output"));
    }
  }

  /**
   * {@code --cluster}: one snapshot of the cluster, evaluated in audit mode; the same outputs and
   * exit codes as for files, since each finding keeps the severity its mode gives it.
   */
  private int callCluster() throws IOException, PolicyException, InterruptedException {
    LoadedPolicies loadedPolicies = PolicySources.load(policies);
    PolicyEngine engine =
        new PolicyEngine(loadedPolicies.policySet(), Rules.all(), Mutations.all());
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = connect()) {
      Optional<String> scope = allNamespaces ? Optional.empty() : Optional.of(namespaceOf(client));
      ClusterSnapshot snapshot = ClusterSnapshot.read(client, scope);
      if (!snapshot.storageClassesKnown()) {
        err.println(
            "stateguard: storageclasses could not be listed (forbidden) at "
                + snapshot.server()
                + ": rules that check a claim's StorageClass cannot tell whether it exists");
        err.flush();
      }
      ReportRunner runner = new ReportRunner(engine);
      Report report;
      if (audit || !auditSettings.isEmpty()) {
        try (ReportAudit trail =
            ReportAudit.start(
                spec.commandLine(), auditSettings, loadedPolicies.version(), System.out)) {
          report = runner.audit(snapshot.evaluated(), snapshot, trail.listener());
          trail.finish(err);
        }
      } else {
        report = runner.audit(snapshot.evaluated(), snapshot, (admission, verdict, took) -> {});
      }
      write(report);
      if (applyReports) {
        apply(client, report, scope);
      }
      return exitCode(report);
    }
  }

  private KubernetesClient connect() throws IOException {
    try {
      KubernetesClient client = KubeClients.connect(Optional.ofNullable(kubeconfig));
      // One report is one short read: an API server that refuses the connection is reported at
      // once, as kubectl does, instead of after the client's ten retries (about 20 s).
      client.getConfiguration().setRequestRetryBackoffLimit(1);
      return client;
    } catch (KubeClients.ConnectException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The namespace to read: --namespace, else the kubeconfig context's, else default. */
  private String namespaceOf(KubernetesClient client) {
    if (namespace != null) {
      return namespace;
    }
    String own = client.getNamespace();
    return own == null || own.isEmpty() ? ManifestClusterView.DEFAULT_NAMESPACE : own;
  }

  /** Writes the report objects, and says on stderr what was written (stdout holds the report). */
  private void apply(KubernetesClient client, Report report, Optional<String> scope)
      throws IOException {
    ReportWriter writer =
        new ReportWriter(
            client,
            new ReportWriter.Kinds(
                reportApi.group(),
                reportApi.version(),
                reportApi.kind(false),
                reportApi.kind(true),
                PolicyReports.MANAGED_BY,
                PolicyReports.SOURCE));
    List<ReportWriter.Written> written =
        writer.write(PolicyReports.resources(report, reportApi, Instant.now()), scope);
    PrintWriter err = spec.commandLine().getErr();
    written.forEach(w -> err.println("stateguard: " + w));
    err.flush();
  }

  private void write(Report report) throws IOException {
    if (output != null) {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        format.renderer().render(report, w, options(color == Color.always));
      }
      return;
    }
    PrintWriter out = spec.commandLine().getOut();
    format.renderer().render(report, out, options(useColor()));
    out.flush();
  }

  private Renderer.Options options(boolean useColor) {
    return new Renderer.Options(useColor, showPatches, reportApi, Clock.systemUTC());
  }

  private boolean useColor() {
    return switch (color) {
      case always -> true;
      case never -> false;
      case auto ->
          System.console() != null
              && System.getenv("NO_COLOR") == null
              && !"dumb".equals(System.getenv("TERM"));
    };
  }

  private int exitCode(Report report) {
    if (!report.problems().isEmpty()) {
      // The table lists them already when it goes to the terminal; otherwise say them on stderr.
      if (format != Format.TABLE || output != null) {
        PrintWriter err = spec.commandLine().getErr();
        report.problems().forEach(problem -> err.println("stateguard: " + problem));
        err.flush();
      }
      return Main.EXIT_USAGE;
    }
    Severity threshold =
        switch (failOn) {
          case error -> Severity.ERROR;
          case warning -> Severity.WARNING;
          case never -> null;
        };
    if (threshold != null
        && report.findings().stream().anyMatch(f -> f.severity().atLeast(threshold))) {
      return Main.EXIT_FINDINGS;
    }
    return 0;
  }
}
