package io.stateguard.cli;

import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleCatalogue;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.rules.Rules;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stateguard rules}: lists the rule catalogue. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "List the rules stateguard checks, with their ids and default modes.")
final class RulesCommand implements Callable<Integer> {

  enum Format {
    table,
    markdown
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or markdown (the text of docs/rules.md). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.markdown) {
      out.print(RuleCatalogue.markdown(Rules.all()));
    } else {
      for (Rule rule : Rules.all()) {
        RuleInfo info = rule.info();
        out.printf(
            "%-26s %-20s %-8s %s%n",
            info.id(), info.target().kind(), info.defaultMode().id(), info.summary());
      }
    }
    out.flush();
    return 0;
  }
}
