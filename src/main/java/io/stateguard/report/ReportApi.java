package io.stateguard.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Kubernetes report APIs {@code --format policyreport} writes for: the kinds, their group and
 * version, and the resource names the API server serves them under.
 */
public enum ReportApi {
  /** OpenReports, the successor of the policy working group's API: {@code Report}. */
  OPENREPORTS("openreports.io", "v1alpha1", "Report", "reports", "ClusterReport", "clusterreports"),
  /** The policy working group's API that Kyverno and Policy Reporter read: {@code PolicyReport}. */
  WGPOLICYK8S(
      "wgpolicyk8s.io",
      "v1alpha2",
      "PolicyReport",
      "policyreports",
      "ClusterPolicyReport",
      "clusterpolicyreports");

  private final String group;
  private final String version;
  private final String kind;
  private final String plural;
  private final String clusterKind;
  private final String clusterPlural;

  ReportApi(
      String group,
      String version,
      String kind,
      String plural,
      String clusterKind,
      String clusterPlural) {
    this.group = group;
    this.version = version;
    this.kind = kind;
    this.plural = plural;
    this.clusterKind = clusterKind;
    this.clusterPlural = clusterPlural;
  }

  /** The name {@code --policyreport-api} takes: {@code openreports} or {@code wgpolicyk8s}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String group() {
    return group;
  }

  public String version() {
    return version;
  }

  /** {@code group/version}. */
  public String apiVersion() {
    return group + "/" + version;
  }

  /** The kind of a namespace's report, or of the cluster-scoped one. */
  public String kind(boolean clusterScoped) {
    return clusterScoped ? clusterKind : kind;
  }

  /** The resource (plural) name the kind is served under. */
  public String plural(boolean clusterScoped) {
    return clusterScoped ? clusterPlural : plural;
  }

  /** Parses {@code openreports|wgpolicyk8s}; null when the text is neither. */
  public static ReportApi parse(String text) {
    for (ReportApi api : values()) {
      if (api.id().equals(text)) {
        return api;
      }
    }
    return null;
  }

  /** Every name {@code --policyreport-api} accepts. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(ReportApi::id).toList();
  }
}
