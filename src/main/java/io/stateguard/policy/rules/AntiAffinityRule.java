package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Selectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code anti-affinity}: the members of a set with more than one replica must be kept apart by node
 * or zone, so one failure domain going down takes at most one of them.
 */
final class AntiAffinityRule implements Rule {

  /** The label the API server puts on every namespace: the only namespace label known offline. */
  private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private static final String FIELD = "spec.template.spec.affinity.podAntiAffinity";

  private static final RuleInfo INFO =
      new RuleInfo(
          "anti-affinity",
          "Members of a replicated set are spread over nodes or zones",
          "Without pod anti-affinity the scheduler may place several members of a set on one node"
              + " (or in one zone): a single node failure, kernel upgrade or drain then takes"
              + " several members at once, which for a quorum system means losing quorum and for a"
              + " replicated database losing the replica that was meant to take over. A term counts"
              + " when its labelSelector selects the pod template's own labels, it covers the"
              + " set's own namespace, and its topologyKey is one of topologyKeys; required and"
              + " preferred terms both count unless requireHard is set. A"
              + " topologySpreadConstraint on one of topologyKeys with maxSkew 1 and"
              + " whenUnsatisfiable DoNotSchedule that selects the pods' own labels also counts: it"
              + " keeps members evenly spread across domains (several per domain only when there"
              + " are fewer domains than members). A ScheduleAnyway constraint does not count: it"
              + " is only a scoring hint, like the scheduler's default spreading. Sets of one"
              + " replica are not checked.",
          "Add to spec.template.spec.affinity.podAntiAffinity a term (preferred with weight 100, or"
              + " required when there are at least as many nodes as members) whose labelSelector"
              + " matches the pod template's labels and whose topologyKey is"
              + " kubernetes.io/hostname (or topology.kubernetes.io/zone), or a"
              + " topologySpreadConstraint with maxSkew: 1 and whenUnsatisfiable: DoNotSchedule on"
              + " the same labels. To accept co-location for one set, annotate it"
              + " stateguard.io/break-glass: \"<reason>\"; for a class, set the rule's mode in a"
              + " policy.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  "topologyKeys",
                  List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"),
                  "Topology keys that count as keeping members apart."),
              ParamSpec.bool(
                  "requireHard",
                  false,
                  "When true only requiredDuringSchedulingIgnoredDuringExecution terms count:"
                      + " preferred terms and topology spread constraints, which may still place"
                      + " two members together, do not.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    int replicas = TemplateContainer.replicas(set);
    if (replicas <= 1) {
      return;
    }
    List<String> keys = ctx.params().strings("topologyKeys");
    boolean hardOnly = ctx.params().bool("requireHard");
    Map<String, String> labels = Selectors.podLabels(set);
    PodSpec pod = TemplateContainer.podSpec(set).orElse(null);
    PodAntiAffinity anti =
        pod == null || pod.getAffinity() == null ? null : pod.getAffinity().getPodAntiAffinity();

    // Terms that exist but do not keep the members apart, to say why they do not count.
    List<String> notCounted = new ArrayList<>();
    if (anti != null) {
      for (PodAffinityTerm term :
          nonNull(anti.getRequiredDuringSchedulingIgnoredDuringExecution())) {
        if (counts(term, labels, keys, ctx.namespace(), "required", notCounted)) {
          return;
        }
      }
      for (WeightedPodAffinityTerm weighted :
          nonNull(anti.getPreferredDuringSchedulingIgnoredDuringExecution())) {
        PodAffinityTerm term = weighted == null ? null : weighted.getPodAffinityTerm();
        if (hardOnly) {
          if (term != null) {
            notCounted.add("a preferred term on " + term.getTopologyKey() + " (requireHard)");
          }
        } else if (counts(term, labels, keys, ctx.namespace(), "preferred", notCounted)) {
          return;
        }
      }
    }
    for (TopologySpreadConstraint c :
        pod == null
            ? List.<TopologySpreadConstraint>of()
            : nonNull(pod.getTopologySpreadConstraints())) {
      if (spreads(c, labels, keys, hardOnly, notCounted)) {
        return;
      }
    }
    String own = describe(identity(set, labels));
    ctx.report(
        ctx.subjectRef()
            + " runs "
            + replicas
            + " replicas with no "
            + (hardOnly ? "required " : "")
            + "pod anti-affinity on its own labels ("
            + own
            + ") over "
            + String.join(" or ", keys)
            + (notCounted.isEmpty() ? "" : " (not counted: " + String.join("; ", notCounted) + ")")
            + ": the scheduler may put several members on one node, and one node failure then"
            + " takes them all; add a "
            + (hardOnly ? "required" : "preferred or required")
            + " podAntiAffinity term with labelSelector "
            + own
            + " and topologyKey "
            + (keys.isEmpty() ? "kubernetes.io/hostname" : keys.get(0))
            + (hardOnly
                ? ""
                : ", or a topologySpreadConstraint with maxSkew 1 and whenUnsatisfiable"
                    + " DoNotSchedule"),
        FIELD);
  }

  private static boolean counts(
      PodAffinityTerm term,
      Map<String, String> labels,
      List<String> keys,
      String namespace,
      String kind,
      List<String> notCounted) {
    if (term == null) {
      return false;
    }
    String key = term.getTopologyKey();
    if (key == null || !keys.contains(key)) {
      notCounted.add(
          "a " + kind + " term " + (key == null ? "without topologyKey" : "on topologyKey " + key));
      return false;
    }
    if (!Selectors.matches(term.getLabelSelector(), labels)) {
      notCounted.add(
          "a "
              + kind
              + " term on "
              + key
              + " whose labelSelector does not select the pods' own labels");
      return false;
    }
    if (!coversNamespace(term, namespace)) {
      notCounted.add(
          "a " + kind + " term on " + key + " that does not cover namespace " + namespace);
      return false;
    }
    return true;
  }

  /**
   * Whether the term looks at pods in the set's own namespace. With neither namespaces nor a
   * namespaceSelector it does; a namespaceSelector is judged only on the automatic name label,
   * since other namespace labels are not known here: requirements on them are assumed met.
   */
  private static boolean coversNamespace(PodAffinityTerm term, String namespace) {
    List<String> namespaces = nonNull(term.getNamespaces());
    LabelSelector selector = term.getNamespaceSelector();
    if (namespaces.contains(namespace) || (namespaces.isEmpty() && selector == null)) {
      return true;
    }
    if (selector == null) {
      return false;
    }
    LabelSelector onName = new LabelSelector();
    if (selector.getMatchLabels() != null
        && selector.getMatchLabels().containsKey(NAMESPACE_NAME_LABEL)) {
      onName.setMatchLabels(
          Map.of(NAMESPACE_NAME_LABEL, selector.getMatchLabels().get(NAMESPACE_NAME_LABEL)));
    }
    List<LabelSelectorRequirement> onNameExpressions = new ArrayList<>();
    for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
      if (NAMESPACE_NAME_LABEL.equals(r.getKey())) {
        onNameExpressions.add(r);
      }
    }
    onName.setMatchExpressions(onNameExpressions);
    return Selectors.matches(onName, Map.of(NAMESPACE_NAME_LABEL, namespace));
  }

  private static boolean spreads(
      TopologySpreadConstraint c,
      Map<String, String> labels,
      List<String> keys,
      boolean hardOnly,
      List<String> notCounted) {
    if (c == null) {
      return false;
    }
    String key = c.getTopologyKey();
    String why = null;
    if (hardOnly) {
      why = "requireHard";
    } else if (key == null || !keys.contains(key)) {
      why = "topologyKey not counted";
    } else if (c.getMaxSkew() == null || c.getMaxSkew() != 1) {
      why = "maxSkew " + c.getMaxSkew();
    } else if (!"DoNotSchedule".equals(c.getWhenUnsatisfiable())) {
      why = "whenUnsatisfiable " + c.getWhenUnsatisfiable();
    } else if (!Selectors.matches(c.getLabelSelector(), labels)) {
      why = "labelSelector does not select the pods' own labels";
    }
    if (why == null) {
      return true;
    }
    notCounted.add("a topologySpreadConstraint on " + key + " (" + why + ")");
    return false;
  }

  /** The labels that identify the set's pods: its selector's matchLabels, else the template's. */
  private static Map<String, String> identity(StatefulSet set, Map<String, String> labels) {
    LabelSelector selector = set.getSpec() == null ? null : set.getSpec().getSelector();
    if (selector != null
        && selector.getMatchLabels() != null
        && !selector.getMatchLabels().isEmpty()) {
      return selector.getMatchLabels();
    }
    return labels;
  }

  private static String describe(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "none";
    }
    return new TreeMap<>(labels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
