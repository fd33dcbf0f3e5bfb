package io.stateguard.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.RuleInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A report as Kubernetes report objects ({@code --format policyreport}): one per namespace that
 * holds an evaluated object, named {@value #NAME} in that namespace, and one cluster-scoped report
 * only when a cluster-scoped object was evaluated. OpenReports {@code Report} or {@code
 * wgpolicyk8s.io} {@code PolicyReport}, which share their shape.
 *
 * <p>Every rule checked on an object is one result per finding, or one {@code pass} when it found
 * nothing, so the summary counts what was checked, not only what failed. A finding maps by the mode
 * its policy gives the rule: {@code enforce} is {@code fail} (severity {@code high}), {@code warn}
 * is {@code warn} ({@code medium}), {@code audit} is {@code warn} ({@code low}): not met, and not
 * enforced. An enforced finding on an object an exemption covers is {@code skip}, with the
 * exemption in its properties. The policy of a result is the StatefulPolicy under which the rule
 * ran. Input problems have no object to report on: they are not results (the exit code and the
 * error output carry them).
 *
 * <p>Pure: the time of the results is given.
 */
public final class PolicyReports {

  /** The name of each report object stateguard writes, in each namespace. */
  public static final String NAME = "stateguard";

  /** The label that marks report objects as stateguard's. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** The {@code source} of every result. */
  public static final String SOURCE = "stateguard";

  private PolicyReports() {}

  /**
   * The report objects of {@code report}, namespaces in name order, the cluster-scoped report last.
   */
  public static List<GenericKubernetesResource> resources(
      Report report, ReportApi api, Instant now) {
    return documents(report, api, now).stream()
        .map(doc -> JsonOutput.MAPPER.convertValue(doc, GenericKubernetesResource.class))
        .toList();
  }

  /** As {@link #resources}, as JSON trees in the order their fields are written. */
  static List<ObjectNode> documents(Report report, ReportApi api, Instant now) {
    Map<String, List<ObjectReport>> byNamespace = new TreeMap<>();
    List<ObjectReport> clusterScoped = new ArrayList<>();
    for (ObjectReport object : report.objects()) {
      String ns = object.object().namespace();
      if (ns.isEmpty()) {
        clusterScoped.add(object);
      } else {
        byNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(object);
      }
    }
    Map<String, RuleInfo> rules =
        report.rules().stream()
            .collect(
                Collectors.toMap(RuleInfo::id, Function.identity(), (a, b) -> a, TreeMap::new));
    List<ObjectNode> documents = new ArrayList<>();
    byNamespace.forEach(
        (ns, objects) -> documents.add(document(api, ns, objects, rules, now, report)));
    if (!clusterScoped.isEmpty()) {
      documents.add(document(api, "", clusterScoped, rules, now, report));
    }
    return documents;
  }

  private static ObjectNode document(
      ReportApi api,
      String namespace,
      List<ObjectReport> objects,
      Map<String, RuleInfo> rules,
      Instant now,
      Report report) {
    boolean clusterScoped = namespace.isEmpty();
    ObjectNode doc = JsonOutput.MAPPER.createObjectNode();
    doc.put("apiVersion", api.apiVersion());
    doc.put("kind", api.kind(clusterScoped));
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", NAME);
    if (!clusterScoped) {
      metadata.put("namespace", JsonOutput.text(namespace));
    }
    ObjectNode labels = metadata.putObject("labels");
    labels.put(MANAGED_BY, "stateguard");
    // Only a label value's characters are allowed: a snapshot build's version has them.
    labels.put("app.kubernetes.io/version", labelValue(report.toolVersion()));
    if (api == ReportApi.OPENREPORTS) {
      doc.put("source", SOURCE);
    }
    if (!clusterScoped) {
      ObjectNode scope = doc.putObject("scope");
      scope.put("apiVersion", "v1");
      scope.put("kind", "Namespace");
      scope.put("name", JsonOutput.text(namespace));
    }
    List<ObjectNode> results = new ArrayList<>();
    for (ObjectReport object : objects) {
      results.addAll(results(object, rules, now));
    }
    ObjectNode summary = doc.putObject("summary");
    for (Outcome outcome : Outcome.values()) {
      summary.put(
          outcome.id(),
          results.stream().filter(r -> r.path("result").asText().equals(outcome.id())).count());
    }
    ArrayNode list = doc.putArray("results");
    results.forEach(list::add);
    return doc;
  }

  /** The results of one object: per rule checked, its findings (most severe first) or a pass. */
  private static List<ObjectNode> results(
      ObjectReport object, Map<String, RuleInfo> rules, Instant now) {
    Map<String, List<Finding>> byRule =
        Summary.bySeverity(object.findings()).stream()
            .collect(Collectors.groupingBy(Finding::rule, LinkedHashMap::new, Collectors.toList()));
    Set<String> checked = new LinkedHashSet<>(object.rulesChecked());
    checked.addAll(byRule.keySet());
    List<ObjectNode> results = new ArrayList<>();
    for (String rule : checked) {
      List<Finding> findings = byRule.getOrDefault(rule, List.of());
      if (findings.isEmpty()) {
        RuleInfo info = rules.get(rule);
        // The rule's summary states what it requires, and that is what held.
        String message = info == null ? "passed" : info.summary();
        results.add(result(object, rule, object.policyOf(rule), Outcome.PASS, null, message, now));
        continue;
      }
      for (Finding finding : findings) {
        boolean exempt = object.exemption().isPresent() && finding.mode() == Mode.ENFORCE;
        Outcome outcome =
            exempt ? Outcome.SKIP : finding.mode() == Mode.ENFORCE ? Outcome.FAIL : Outcome.WARN;
        ObjectNode result =
            result(
                object,
                rule,
                finding.policy().isEmpty() ? object.policyOf(rule) : finding.policy(),
                outcome,
                finding.mode(),
                finding.message(),
                now);
        results.add(result);
        ObjectNode properties = result.putObject("properties");
        properties.put("mode", finding.mode().id());
        if (!finding.field().isEmpty()) {
          properties.put("field", JsonOutput.text(finding.field()));
        }
        if (exempt) {
          properties.put("exemption", JsonOutput.text(object.exemption().get()));
        }
      }
    }
    return results;
  }

  private static ObjectNode result(
      ObjectReport object,
      String rule,
      String policy,
      Outcome outcome,
      Mode mode,
      String message,
      Instant now) {
    ObjectNode result = JsonOutput.MAPPER.createObjectNode();
    result.put("source", SOURCE);
    // The schema requires a policy; a rule that ran under none is reported under stateguard.
    result.put("policy", JsonOutput.text(policy.isEmpty() ? SOURCE : policy));
    result.put("rule", JsonOutput.text(rule));
    result.put("result", outcome.id());
    if (mode != null) {
      result.put("severity", severity(mode));
    }
    ObjectNode timestamp = result.putObject("timestamp");
    timestamp.put("seconds", now.getEpochSecond());
    timestamp.put("nanos", 0);
    result.put("message", JsonOutput.text(message));
    ObjectRef ref = object.object();
    ObjectNode resource = result.putArray("resources").addObject();
    resource.put("apiVersion", JsonOutput.text(ref.apiVersion()));
    resource.put("kind", JsonOutput.text(ref.kind()));
    if (!ref.namespace().isEmpty()) {
      resource.put("namespace", JsonOutput.text(ref.namespace()));
    }
    resource.put("name", JsonOutput.text(ref.name()));
    return result;
  }

  private static String severity(Mode mode) {
    return switch (mode) {
      case ENFORCE -> "high";
      case WARN -> "medium";
      case AUDIT, OFF -> "low";
    };
  }

  /**
   * A Kubernetes label value: at most 63 characters of letters, digits, {@code -}, {@code _} and
   * {@code .}, starting and ending with a letter or digit.
   */
  static String labelValue(String text) {
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_");
    if (cleaned.length() > 63) {
      cleaned = cleaned.substring(0, 63);
    }
    cleaned = cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    return cleaned;
  }

  /** The results a report API knows, in the order its summary lists them. */
  enum Outcome {
    PASS,
    FAIL,
    WARN,
    ERROR,
    SKIP;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
