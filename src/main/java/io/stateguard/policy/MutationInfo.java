package io.stateguard.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a mutation is, for people: its stable id (a contract: policies, the {@value
 * Mutation#MUTATED_ANNOTATION} annotation and the {@value Mutation#EXPLICIT_ANNOTATION} annotation
 * name it), a one-line summary of what it adds, why and when, whether what it adds is part of the
 * pod template (so that adding it to an existing set restarts every pod), and its parameters.
 *
 * <p>Every mutation takes the parameter {@value #ON_UPDATE} (default false): whether it also
 * applies on UPDATE. It is added here when the mutation does not declare it, so that the engine,
 * the policy loader, the schema and the catalogue all know it.
 */
public record MutationInfo(
    String id, String summary, String why, boolean changesPodTemplate, List<ParamSpec> params) {

  /** The parameter that lets a mutation apply on UPDATE as well as on CREATE. */
  public static final String ON_UPDATE = "onUpdate";

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  public MutationInfo {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("mutation id '" + id + "' is not lower-case-with-dashes");
    }
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(why, "why");
    List<ParamSpec> all = new ArrayList<>(params);
    Optional<ParamSpec> onUpdate = all.stream().filter(p -> p.name().equals(ON_UPDATE)).findAny();
    if (onUpdate.isEmpty()) {
      all.add(onUpdate(changesPodTemplate));
    } else if (onUpdate.get().type() != ParamSpec.Type.BOOLEAN) {
      throw new IllegalArgumentException(ON_UPDATE + " of mutation " + id + " must be boolean");
    }
    params = List.copyOf(all);
  }

  public Optional<ParamSpec> param(String name) {
    return params.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private static ParamSpec onUpdate(boolean changesPodTemplate) {
    String description =
        changesPodTemplate
            ? "Also mutate on UPDATE, not only on CREATE. What this mutation adds is part of the pod"
                + " template: adding it to an existing set that lacks it restarts every pod of the"
                + " set (a rolling update) at its next update. Off: existing sets are left as they"
                + " are."
            : "Also mutate on UPDATE, not only on CREATE: existing sets change at their next update"
                + " (no pod restarts). Off: existing sets are left as they are.";
    return ParamSpec.bool(ON_UPDATE, false, description);
  }
}
