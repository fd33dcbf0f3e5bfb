package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ParamSpec;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code resources}: every long-running container states the resources it needs, so members are
 * placed where they fit and are not the first evicted under node pressure.
 */
final class ResourcesRule implements Rule {

  private static final String REQUESTS = "requests";
  private static final String LIMITS = "limits";

  private static final RuleInfo INFO =
      new RuleInfo(
          "resources",
          "Containers request CPU and memory and limit memory",
          "The scheduler places pods by their requests: a member without a memory request can land"
              + " on a node without room for it. Under node memory pressure the kubelet evicts"
              + " first the pods that use more than they requested; a pod with no requests or"
              + " limits at all is BestEffort and goes before everything else. For a stateful"
              + " workload an eviction is not free: the member stops mid-write, must recover on"
              + " restart, and a quorum system is one member closer to losing quorum. Without a"
              + " memory limit one member can take the node's memory and get its neighbours,"
              + " perhaps other members, OOM-killed; without a CPU request it only gets leftover"
              + " CPU under contention, and heartbeats and replication time out. A limit without"
              + " a request counts as both: the API server gives the pod the limit as its request."
              + " Regular containers and native sidecars (init containers with restartPolicy:"
              + " Always) are checked; init containers that run to completion are not.",
          "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on"
              + " each container (a memory limit equal to the request gives the most predictable"
              + " behaviour). Choose what is required with the require parameter in a policy, or"
              + " annotate one set stateguard.io/break-glass: \"<reason>\".",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of(
              ParamSpec.strings(
                  "require",
                  List.of("requests.cpu", "requests.memory", "limits.memory"),
                  "What each container must set, as requests.<resource> or limits.<resource>;"
                      + " a requests entry is also met by a limit on the same resource.")));

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    List<String> require = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (String entry : ctx.params().strings("require")) {
      (parse(entry) == null ? invalid : require).add(entry);
    }
    String subject = ctx.subjectRef().toString();
    if (!invalid.isEmpty()) {
      ctx.report(
          "the require parameter of rule resources for "
              + subject
              + " lists "
              + String.join(", ", invalid)
              + ", not of the form requests.<resource> or limits.<resource>; those entries are"
              + " ignored until the policy is fixed",
          "");
    }
    List<TemplateContainer> containers = TemplateContainer.all(ctx.statefulSet());
    // Quality of service is decided over all containers, init containers included.
    boolean bestEffort = containers.stream().allMatch(ResourcesRule::empty);
    for (TemplateContainer c : containers) {
      if (!c.longRunning()) {
        continue;
      }
      ResourceRequirements resources = c.container().getResources();
      Map<String, Quantity> requests = resources == null ? null : resources.getRequests();
      Map<String, Quantity> limits = resources == null ? null : resources.getLimits();
      List<String> missing = new ArrayList<>();
      for (String entry : require) {
        String[] key = parse(entry);
        boolean present = set(limits, key[1]) || (key[0].equals(REQUESTS) && set(requests, key[1]));
        if (!present) {
          missing.add(entry);
        }
      }
      if (missing.isEmpty()) {
        continue;
      }
      ctx.report(
          c.describe()
              + " of "
              + subject
              + " sets no "
              + String.join(", ", missing)
              + ": "
              + consequences(missing, bestEffort)
              + "; set "
              + (missing.size() == 1 ? "it" : "them")
              + " in its resources",
          c.field() + ".resources");
    }
  }

  /** {@code [section, resource]}, or null when the entry is not section.resource. */
  private static String[] parse(String entry) {
    int dot = entry.indexOf('.');
    if (dot <= 0 || dot == entry.length() - 1) {
      return null;
    }
    String section = entry.substring(0, dot);
    if (!section.equals(REQUESTS) && !section.equals(LIMITS)) {
      return null;
    }
    return new String[] {section, entry.substring(dot + 1)};
  }

  /** Whether the quantity is there and not zero (a zero request reserves nothing). */
  private static boolean set(Map<String, Quantity> quantities, String resource) {
    Quantity q = quantities == null ? null : quantities.get(resource);
    if (q == null || q.getAmount() == null || q.getAmount().isBlank()) {
      return false;
    }
    try {
      return q.getNumericalAmount().signum() != 0;
    } catch (RuntimeException malformed) {
      // The API server rejects a malformed quantity; it is not this rule's finding.
      return true;
    }
  }

  private static boolean empty(TemplateContainer c) {
    ResourceRequirements r = c.container().getResources();
    return r == null
        || ((r.getRequests() == null || r.getRequests().isEmpty())
            && (r.getLimits() == null || r.getLimits().isEmpty()));
  }

  private static String consequences(List<String> missing, boolean bestEffort) {
    List<String> what = new ArrayList<>();
    if (bestEffort) {
      what.add(
          "no container of the pod requests anything, so the pod is BestEffort: placed anywhere"
              + " and the first evicted under node pressure");
    } else if (missing.contains("requests.memory")) {
      what.add(
          "without a memory request the member can be placed on a node without room for it and"
              + " is among the first evicted under memory pressure");
    }
    if (missing.contains("requests.cpu")) {
      what.add(
          "without a CPU request it gets only leftover CPU under contention, so heartbeats and"
              + " replication time out");
    }
    if (missing.contains("limits.memory")) {
      what.add(
          "without a memory limit it can take the node's memory and get its neighbours"
              + " OOM-killed");
    }
    if (what.isEmpty()) {
      what.add("the policy requires " + (missing.size() == 1 ? "it" : "them"));
    }
    return String.join("; ", what);
  }
}
