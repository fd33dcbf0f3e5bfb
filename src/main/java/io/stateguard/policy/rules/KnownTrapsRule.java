package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Globs;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code known-traps}: a catalogue of mistakes in pod templates that look right, pass the API
 * server, and break stateful workloads at run time. Each entry has its own message.
 *
 * <ul>
 *   <li>a member id variable ({@code KAFKA_BROKER_ID}, {@code ZOO_MY_ID}) taken from the pod's
 *       name, which is a string like {@code kafka-0};
 *   <li>shell command substitution ({@code $(cat /x)}, backticks) in an env value, which Kubernetes
 *       passes through literally;
 *   <li>a {@code $(VAR)} reference to a variable not defined before it, which Kubernetes leaves
 *       unexpanded.
 * </ul>
 */
final class KnownTrapsRule implements Rule {

  /** What Kubernetes accepts as an environment variable name, hence as a $(VAR) reference. */
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  /** Field paths whose value is the pod's name. */
  private static final Set<String> POD_NAME_PATHS =
      Set.of("metadata.name", "metadata.labels['statefulset.kubernetes.io/pod-name']");

  private static final String POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']";

  private static final RuleInfo INFO =
      new RuleInfo(
          "known-traps",
          "Known pod template traps: member ids from the pod name, shell syntax in env values",
          "Some mistakes pass the API server and only break the workload when it runs. (1) A"
              + " member id variable (KAFKA_BROKER_ID, KAFKA_NODE_ID, ZOO_MY_ID, SERVER_ID, ...)"
              + " taken from fieldRef metadata.name gets the pod's name, a string like kafka-0,"
              + " not an integer: the process fails to parse it, or every member falls back to"
              + " the same id and they collide. (2) Kubernetes is not a shell: in an env value it"
              + " expands only $(VAR_NAME) references to variables defined earlier in the"
              + " container's env, so command substitution such as $(cat /secret/x) or backticks"
              + " is passed to the process as literal text. (3) A $(VAR_NAME) reference to a"
              + " variable defined later in the list, or not at all, is also left as literal text."
              + " References are not checked in containers with envFrom (its keys are not known"
              + " here), nor to service link variables (*_SERVICE_*, *_PORT*); backticks are"
              + " reported when they enclose a command with arguments or a path.",
          "(1) Take the ordinal from the pod-index label: valueFrom.fieldRef.fieldPath:"
              + " metadata.labels['apps.kubernetes.io/pod-index'] (Kubernetes 1.28+), or derive it"
              + " from the hostname in the command (${HOSTNAME##*-}). (2) Do the substitution in"
              + " the container's command (sh -c 'export X=\"$(cat /x)\"; exec ...'), or take the"
              + " value from a Secret or ConfigMap with valueFrom. (3) Define the referenced"
              + " variable before the one that uses it, or write $$(VAR) for a literal $(VAR)."
              + " To accept one set as it is, annotate it stateguard.io/break-glass: \"<reason>\".",
          Mode.ENFORCE,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  "idVariables",
                  List.of(
                      "*BROKER_ID",
                      "*NODE_ID",
                      "*MY_ID",
                      "*MYID",
                      "*SERVER_ID",
                      "*REPLICA_ID",
                      "*ORDINAL",
                      "*POD_INDEX"),
                  "Globs (case-insensitive) naming variables that hold a numeric member id and so"
                      + " must not come from the pod's name.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    String subject = ctx.subjectRef().toString();
    String podName =
        (set.getMetadata() == null || set.getMetadata().getName() == null
                ? "name"
                : set.getMetadata().getName())
            + "-0";
    List<String> idGlobs =
        ctx.params().strings("idVariables").stream().map(g -> g.toUpperCase(Locale.ROOT)).toList();
    for (TemplateContainer c : TemplateContainer.all(set)) {
      List<EnvVar> env = c.container().getEnv();
      if (env == null) {
        continue;
      }
      boolean envFrom = c.container().getEnvFrom() != null && !c.container().getEnvFrom().isEmpty();
      Set<String> defined = new HashSet<>();
      Set<String> all = new HashSet<>();
      env.stream().filter(e -> e != null && e.getName() != null).forEach(e -> all.add(e.getName()));
      for (EnvVar e : env) {
        if (e == null || e.getName() == null) {
          continue;
        }
        String who = "env " + e.getName() + " of " + c.describe() + " in " + subject;
        String field = c.field() + ".env[" + e.getName() + "]";
        checkIdFromName(ctx, e, idGlobs, who, field, podName);
        if (e.getValue() != null) {
          checkValue(ctx, e.getValue(), who, field, envFrom, defined, all);
        }
        defined.add(e.getName());
      }
    }
  }

  private static void checkIdFromName(
      RuleContext ctx, EnvVar e, List<String> idGlobs, String who, String field, String podName) {
    if (e.getValueFrom() == null || e.getValueFrom().getFieldRef() == null) {
      return;
    }
    String path = e.getValueFrom().getFieldRef().getFieldPath();
    if (path == null || !POD_NAME_PATHS.contains(path.replace(" ", "").replace('"', '\''))) {
      return;
    }
    String name = e.getName().toUpperCase(Locale.ROOT);
    if (idGlobs.stream().noneMatch(g -> Globs.matches(g, name))) {
      return;
    }
    ctx.report(
        who
            + " takes fieldRef "
            + path
            + ", the pod's name ("
            + podName
            + "), not a number: the process fails to parse it, or every member falls back to the"
            + " same id; take the ordinal from fieldRef "
            + POD_INDEX
            + " (Kubernetes 1.28+), or derive it from the hostname in the command"
            + " (${HOSTNAME##*-})",
        field + ".valueFrom.fieldRef.fieldPath");
  }

  private static void checkValue(
      RuleContext ctx,
      String value,
      String who,
      String field,
      boolean envFrom,
      Set<String> defined,
      Set<String> all) {
    Set<String> substitutions = new LinkedHashSet<>();
    Set<String> later = new LinkedHashSet<>();
    Set<String> undefined = new LinkedHashSet<>();
    // Walks the value as Kubernetes expands it: $$ is an escaped $, $(NAME) a reference.
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) != '$' || i + 1 >= value.length()) {
        i++;
        continue;
      }
      char next = value.charAt(i + 1);
      if (next == '$') {
        i += 2;
        continue;
      }
      if (next != '(') {
        i++;
        continue;
      }
      int close = value.indexOf(')', i + 2);
      String inner = value.substring(i + 2, close < 0 ? value.length() : close);
      if (close < 0 || !ENV_NAME.matcher(inner).matches()) {
        substitutions.add(snippet(value.substring(i, close < 0 ? value.length() : close + 1)));
      } else if (!envFrom && !defined.contains(inner) && !serviceLink(inner)) {
        (all.contains(inner) ? later : undefined).add(inner);
      }
      i = close < 0 ? value.length() : close + 1;
    }
    substitutions.addAll(backtickCommands(value));

    if (!substitutions.isEmpty()) {
      ctx.report(
          who
              + " contains shell command substitution "
              + String.join(", ", substitutions)
              + ": Kubernetes is not a shell and passes it to the process as literal text (it"
              + " expands only $(VAR_NAME) references to other variables); run the command in the"
              + " container's command (sh -c 'export VAR=\"$(...)\"; exec ...') or take the value"
              + " from a Secret or ConfigMap with valueFrom",
          field + ".value");
    }
    if (!later.isEmpty()) {
      ctx.report(
          who
              + " refers to "
              + references(later)
              + ", defined after it in the env list: Kubernetes expands a reference only to a"
              + " variable defined earlier, so the value keeps the literal text; move "
              + String.join(", ", later)
              + " above it",
          field + ".value");
    }
    if (!undefined.isEmpty()) {
      ctx.report(
          who
              + " refers to "
              + references(undefined)
              + ", which the container's env does not define: Kubernetes leaves the reference as"
              + " literal text; define the variable before it, or write $$(NAME) if the literal"
              + " text is meant",
          field + ".value");
    }
  }

  /** Backtick-quoted commands: a command with arguments, a path, or an expansion inside. */
  private static List<String> backtickCommands(String value) {
    List<String> found = new ArrayList<>();
    int open = value.indexOf('`');
    while (open >= 0) {
      int close = value.indexOf('`', open + 1);
      if (close < 0) {
        break;
      }
      String inner = value.substring(open + 1, close);
      if (inner.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '/' || ch == '$')) {
        found.add(snippet(value.substring(open, close + 1)));
      }
      open = value.indexOf('`', close + 1);
    }
    return found;
  }

  /** Variables Kubernetes injects for Services, which a pod template cannot list. */
  private static boolean serviceLink(String name) {
    return name.contains("_SERVICE_") || name.contains("_PORT");
  }

  private static String references(Set<String> names) {
    return String.join(", ", names.stream().map(n -> "$(" + n + ")").toList());
  }

  private static String snippet(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
