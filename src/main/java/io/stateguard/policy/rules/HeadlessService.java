package io.stateguard.policy.rules;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.Rule;
import io.stateguard.policy.RuleContext;
import io.stateguard.policy.RuleInfo;
import io.stateguard.policy.Selectors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A StatefulSet's {@code serviceName} must name a headless Service of its namespace that selects
 * its pods: that Service is what gives each pod its stable DNS name ({@code zk-0.zk-hs}), the name
 * peers use to find each other.
 *
 * <p>Warns by default rather than denying: {@code kubectl apply -f dir/} may send the StatefulSet
 * before the Service it names, and denying that would break an ordinary apply. Policies that know
 * their Services come first can enforce it.
 */
final class HeadlessService implements Rule {

  private static final RuleInfo INFO =
      new RuleInfo(
          "headless-service",
          "A StatefulSet's serviceName names a headless Service (clusterIP: None) that selects its"
              + " pods",
          "The governing Service gives each pod of a StatefulSet its stable DNS name. Without it,"
              + " or when it has a cluster IP or does not select the pods, the pods get no DNS"
              + " names and peers (ZooKeeper, etcd, Kafka, database replicas) cannot find each"
              + " other.",
          "Create a Service with clusterIP: None in the StatefulSet's namespace whose selector"
              + " matches the pod template's labels, and name it in spec.serviceName.",
          Mode.WARN,
          RuleInfo.Target.STATEFULSET,
          List.of());

  private static final String CONSEQUENCE =
      "its pods get no DNS names and peers cannot find each other";

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public void check(RuleContext ctx) {
    StatefulSet set = ctx.statefulSet();
    ObjectRef ref = ctx.subjectRef();
    Map<String, String> podLabels = Selectors.podLabels(set);
    String wanted = labels(suggestedSelector(set, podLabels));
    String serviceName = set.getSpec() == null ? null : set.getSpec().getServiceName();
    if (serviceName == null || serviceName.isBlank()) {
      ctx.report(
          ref
              + " sets no spec.serviceName: "
              + CONSEQUENCE
              + "; create a headless Service (clusterIP: None) selecting "
              + wanted
              + " and name it in spec.serviceName",
          "spec.serviceName");
      return;
    }
    String serviceRef = "service " + ctx.namespace() + "/" + serviceName;
    Optional<Service> found = ctx.view().service(ctx.namespace(), serviceName);
    if (found.isEmpty()) {
      ctx.report(
          ref
              + " names "
              + serviceRef
              + " in spec.serviceName, but no such service exists: "
              + CONSEQUENCE
              + "; create it with clusterIP: None and selector "
              + wanted,
          "spec.serviceName");
      return;
    }
    Service service = found.get();
    String clusterIp = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    if (!"None".equals(clusterIp)) {
      ctx.report(
          serviceRef
              + ", named by "
              + ref
              + " in spec.serviceName, is not headless ("
              + (clusterIp == null || clusterIp.isEmpty()
                  ? "no clusterIP, so it gets a virtual IP"
                  : "clusterIP: " + clusterIp)
              + "): "
              + CONSEQUENCE
              + "; set clusterIP: None (the API server does not change clusterIP in place:"
              + " delete and recreate the service)",
          "spec.serviceName");
    }
    Map<String, String> selector =
        service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      ctx.report(
          serviceRef
              + ", named by "
              + ref
              + " in spec.serviceName, has no selector, so it selects none of the set's pods: "
              + CONSEQUENCE
              + "; give it selector "
              + wanted,
          "spec.serviceName");
    } else if (!Selectors.serviceSelects(selector, podLabels)) {
      ctx.report(
          serviceRef
              + ", named by "
              + ref
              + " in spec.serviceName, selects "
              + labels(selector)
              + ", which does not match the pod labels "
              + labels(podLabels)
              + ": "
              + CONSEQUENCE
              + "; set its selector to "
              + wanted
              + " or another subset of the pod labels",
          "spec.serviceName");
    }
  }

  /**
   * What the Service should select: the set's own {@code matchLabels} (which its pods must carry),
   * else all the pod labels.
   */
  private static Map<String, String> suggestedSelector(
      StatefulSet set, Map<String, String> podLabels) {
    if (set.getSpec() != null
        && set.getSpec().getSelector() != null
        && set.getSpec().getSelector().getMatchLabels() != null
        && !set.getSpec().getSelector().getMatchLabels().isEmpty()
        && Selectors.serviceSelects(set.getSpec().getSelector().getMatchLabels(), podLabels)) {
      return set.getSpec().getSelector().getMatchLabels();
    }
    return podLabels;
  }

  /** Labels as people write them: {@code app=zk,tier=data}, sorted. */
  private static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "(no labels)";
    }
    return new TreeMap<>(labels)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }
}
