package io.stateguard.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The catalogue of rules as Markdown, generated from the rules' own metadata: the source of {@code
 * docs/rules.md}. Never a hand-kept list.
 */
public final class RuleCatalogue {

  private RuleCatalogue() {}

  public static String markdown(List<Rule> rules) {
    StringBuilder md = new StringBuilder();
    md.append("# Rule catalogue\n\n")
        .append("Generated from the rules' own metadata (`stateguard rules --format markdown`);")
        .append(" do not edit by hand.\n")
        .append("Rule ids are stable: policies, reports and exemptions name them.\n\n")
        .append("| id | applies to | default mode | summary |\n")
        .append("| --- | --- | --- | --- |\n");
    for (Rule rule : rules) {
      RuleInfo info = rule.info();
      md.append("| [`")
          .append(info.id())
          .append("`](#")
          .append(info.id())
          .append(") | ")
          .append(kinds(info))
          .append(" | ")
          .append(info.defaultMode().id())
          .append(" | ")
          .append(cell(info.summary()))
          .append(" |\n");
    }
    for (Rule rule : rules) {
      RuleInfo info = rule.info();
      md.append("\n## ").append(info.id()).append("\n\n");
      md.append(info.summary()).append("\n\n");
      md.append("- **Applies to:** ").append(kinds(info)).append('\n');
      md.append("- **Default mode:** `").append(info.defaultMode().id()).append("`\n\n");
      md.append("**Why it matters.** ").append(info.why()).append("\n\n");
      md.append("**How to fix.** ").append(info.fix()).append("\n\n");
      if (info.params().isEmpty()) {
        md.append("Parameters: none.\n");
      } else {
        md.append("| parameter | type | default | meaning |\n| --- | --- | --- | --- |\n");
        for (ParamSpec p : info.params()) {
          md.append("| `")
              .append(p.name())
              .append("` | ")
              .append(p.type().schemaType())
              .append(" | `")
              .append(show(p.defaultValue()))
              .append("` | ")
              .append(cell(p.description()))
              .append(" |\n");
        }
      }
    }
    return md.toString();
  }

  /** {@code PodDisruptionBudget, StatefulSet}: every kind the rule checks, its target first. */
  private static String kinds(RuleInfo info) {
    return info.targets().stream().map(RuleInfo.Target::kind).collect(Collectors.joining(", "));
  }

  private static String show(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(value);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
