package io.stateguard.cli;

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
import io.stateguard.report.Renderer;
import io.stateguard.report.Report;
import io.stateguard.report.ReportRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      "Evaluate Kubernetes manifests against the policies, as the cluster would.",
      "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 bad usage or unreadable input."
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
      description = "table, json, sarif or junit. Default: ${DEFAULT-VALUE}.")
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
      defaultValue = "default",
      description = "Namespace for objects that name none. Default: ${DEFAULT-VALUE}.")
  String namespace;

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

  @Override
  public Integer call() throws IOException, PolicyException, InterruptedException {
    List<String> inputs = new ArrayList<>(paths);
    inputs.addAll(files);
    if (inputs.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no manifests given: name files or directories, or -f - for stdin");
    }
    if (noMutate && (showPatches || mutateOutput != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--no-mutate makes no patches: it cannot be combined with "
              + (showPatches ? "--show-patches" : "--mutate-output"));
    }
    LoadedPolicies loadedPolicies = PolicySources.load(policies);
    PolicyEngine engine =
        new PolicyEngine(loadedPolicies.policySet(), Rules.all(), Mutations.all());
    Loaded loaded = new ManifestLoader(namespace).load(inputs, System.in);
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

  private void write(Report report) throws IOException {
    if (output != null) {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        format
            .renderer()
            .render(report, w, new Renderer.Options(color == Color.always, showPatches));
      }
      return;
    }
    PrintWriter out = spec.commandLine().getOut();
    format.renderer().render(report, out, new Renderer.Options(useColor(), showPatches));
    out.flush();
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
