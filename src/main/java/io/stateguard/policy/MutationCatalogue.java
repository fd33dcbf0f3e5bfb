package io.stateguard.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The catalogue of mutations as Markdown, generated from the mutations' own metadata: the catalogue
 * section of {@code docs/mutations.md}. Never a hand-kept list.
 */
public final class MutationCatalogue {

  private MutationCatalogue() {}

  public static String markdown(List<Mutation> mutations) {
    StringBuilder md = new StringBuilder();
    md.append("| id | changes the pod template | summary |\n| --- | --- | --- |\n");
    for (Mutation mutation : mutations) {
      MutationInfo info = mutation.info();
      md.append("| [`")
          .append(info.id())
          .append("`](#")
          .append(info.id())
          .append(") | ")
          .append(info.changesPodTemplate() ? "yes" : "no")
          .append(" | ")
          .append(cell(info.summary()))
          .append(" |\n");
    }
    for (Mutation mutation : mutations) {
      MutationInfo info = mutation.info();
      md.append("\n### ").append(info.id()).append("\n\n");
      md.append(info.summary()).append(".\n\n");
      md.append("- **Default:** off; a policy turns it on with `")
          .append(info.id())
          .append(": on`.\n");
      md.append("- **Changes the pod template:** ")
          .append(
              info.changesPodTemplate()
                  ? "yes: added to an existing set (on UPDATE, with `onUpdate: true`), it restarts"
                      + " every pod of the set."
                  : "no: it restarts no pod.")
          .append("\n\n");
      md.append(info.why()).append("\n\n");
      md.append("| parameter | type | default | values | meaning |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      for (ParamSpec p : info.params()) {
        md.append("| `")
            .append(p.name())
            .append("` | ")
            .append(p.type().schemaType())
            .append(" | `")
            .append(p.defaultValue())
            .append("` | ")
            .append(values(p))
            .append(" | ")
            .append(cell(p.description()))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  private static String values(ParamSpec p) {
    if (!p.allowed().isEmpty()) {
      return p.allowed().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
    }
    if (p.bounded()) {
      return p.maximum() == Integer.MAX_VALUE
          ? p.minimum() + " or more"
          : p.minimum() + " to " + p.maximum();
    }
    return p.type() == ParamSpec.Type.BOOLEAN ? "`true`, `false`" : "any";
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
