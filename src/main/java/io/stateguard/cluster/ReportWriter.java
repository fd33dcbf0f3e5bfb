package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Writes report objects (OpenReports {@code Report}, {@code wgpolicyk8s.io} {@code PolicyReport},
 * or their cluster-scoped kinds) to the API server: each is created, or replaces the object of the
 * same name, so a report run again updates its reports in place. Reports of the same kind that an
 * earlier run wrote, carrying the same {@code managed-by} label, in a namespace this run read but
 * wrote no report for (its objects are gone), are deleted, so no stale report stays behind.
 *
 * <p>The resource is addressed directly by group, version and plural: no discovery call, and a
 * missing CustomResourceDefinition is a clear error.
 */
public final class ReportWriter {

  /**
   * The kind of report objects written, and the label (key and value) that marks them.
   *
   * @param namespacedKind the kind of one namespace's report ({@code Report})
   * @param clusterKind the kind of the cluster-scoped report ({@code ClusterReport})
   */
  public record Kinds(
      String group,
      String version,
      String namespacedKind,
      String clusterKind,
      String labelKey,
      String labelValue) {
    public Kinds {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(namespacedKind, "namespacedKind");
      Objects.requireNonNull(clusterKind, "clusterKind");
      Objects.requireNonNull(labelKey, "labelKey");
      Objects.requireNonNull(labelValue, "labelValue");
    }
  }

  /**
   * What one write did to one report object.
   *
   * @param action {@code created}, {@code replaced} or {@code deleted}
   * @param namespace the namespace, empty for a cluster-scoped report
   */
  public record Written(String action, String kind, String namespace, String name) {
    /** {@code created Report data/stateguard}. */
    @Override
    public String toString() {
      return action + " " + kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
  }

  /** A report object could not be written; the message names the server, the object and why. */
  public static final class WriteException extends IOException {
    WriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final KubernetesClient client;
  private final Kinds kinds;

  public ReportWriter(KubernetesClient client, Kinds kinds) {
    this.client = Objects.requireNonNull(client, "client");
    this.kinds = Objects.requireNonNull(kinds, "kinds");
  }

  /**
   * Creates or replaces every report in {@code reports}, then deletes the stale ones among the
   * namespaces read: {@code namespace}, or every namespace when empty.
   *
   * @param reports objects of this writer's kinds, each named, namespaced ones with a namespace
   * @throws WriteException on the first object that could not be written or deleted; those before
   *     it are written
   */
  public List<Written> write(List<GenericKubernetesResource> reports, Optional<String> namespace)
      throws WriteException {
    List<Written> written = new ArrayList<>();
    Set<String> namespaces = new HashSet<>();
    for (GenericKubernetesResource report : reports) {
      written.add(write(report));
      String ns = report.getMetadata().getNamespace();
      if (ns != null && !ns.isEmpty()) {
        namespaces.add(ns);
      }
    }
    written.addAll(pruneStale(namespaces, namespace));
    return written;
  }

  private Written write(GenericKubernetesResource report) throws WriteException {
    String ns = report.getMetadata().getNamespace();
    boolean clusterScoped = ns == null || ns.isEmpty();
    String kind = clusterScoped ? kinds.clusterKind() : kinds.namespacedKind();
    if (!kind.equals(report.getKind())) {
      throw new IllegalArgumentException(
          "a " + report.getKind() + " is not a " + kind + " of " + kinds.group());
    }
    String name = report.getMetadata().getName();
    MixedOperation<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        all = client.genericKubernetesResources(context(clusterScoped));
    Resource<GenericKubernetesResource> one =
        clusterScoped ? all.withName(name) : all.inNamespace(ns).withName(name);
    String where = clusterScoped ? name : ns + "/" + name;
    try {
      GenericKubernetesResource existing = one.get();
      if (existing == null) {
        resource(all, clusterScoped, ns, report).create();
        return new Written("created", kind, clusterScoped ? "" : ns, name);
      }
      // Replace what is there: the stored version's resourceVersion makes it a checked update.
      report.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      resource(all, clusterScoped, ns, report).update();
      return new Written("replaced", kind, clusterScoped ? "" : ns, name);
    } catch (KubernetesClientException e) {
      throw failure("cannot write " + kind + " " + where, clusterScoped, e);
    } finally {
      report.getMetadata().setResourceVersion(null);
    }
  }

  private static Resource<GenericKubernetesResource> resource(
      MixedOperation<
              GenericKubernetesResource,
              GenericKubernetesResourceList,
              Resource<GenericKubernetesResource>>
          all,
      boolean clusterScoped,
      String ns,
      GenericKubernetesResource report) {
    return clusterScoped ? all.resource(report) : all.inNamespace(ns).resource(report);
  }

  /** Deletes this writer's labelled reports in namespaces that were read but got no report now. */
  private List<Written> pruneStale(Set<String> written, Optional<String> namespace)
      throws WriteException {
    MixedOperation<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        all = client.genericKubernetesResources(context(false));
    List<GenericKubernetesResource> labelled;
    try {
      labelled =
          (namespace.isPresent() ? all.inNamespace(namespace.get()) : all.inAnyNamespace())
              .withLabel(kinds.labelKey(), kinds.labelValue())
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      throw failure(
          "cannot list the " + kinds.namespacedKind() + " objects stateguard wrote before",
          false,
          e);
    }
    List<Written> deleted = new ArrayList<>();
    for (GenericKubernetesResource stale : labelled) {
      String ns = stale.getMetadata().getNamespace();
      if (ns == null || written.contains(ns)) {
        continue;
      }
      String name = stale.getMetadata().getName();
      try {
        all.inNamespace(ns).withName(name).delete();
      } catch (KubernetesClientException e) {
        throw failure(
            "cannot delete the stale " + kinds.namespacedKind() + " " + ns + "/" + name, false, e);
      }
      deleted.add(new Written("deleted", kinds.namespacedKind(), ns, name));
    }
    return deleted;
  }

  private ResourceDefinitionContext context(boolean clusterScoped) {
    String kind = clusterScoped ? kinds.clusterKind() : kinds.namespacedKind();
    return new ResourceDefinitionContext.Builder()
        .withGroup(kinds.group())
        .withVersion(kinds.version())
        .withKind(kind)
        .withPlural(plural(kind))
        .withNamespaced(!clusterScoped)
        .build();
  }

  /** Report kinds are regular nouns: {@code PolicyReport} is served as {@code policyreports}. */
  private static String plural(String kind) {
    return kind.toLowerCase(Locale.ROOT) + "s";
  }

  private WriteException failure(String what, boolean clusterScoped, KubernetesClientException e) {
    String kind = clusterScoped ? kinds.clusterKind() : kinds.namespacedKind();
    String resource = plural(kind) + "." + kinds.group();
    String reason =
        switch (e.getCode()) {
          case 401 -> "unauthorized: the kubeconfig's credentials were not accepted";
          case 403 ->
              "forbidden: the kubeconfig's user needs RBAC get, list, create, update and delete on "
                  + resource;
          case 404 ->
              "not found: the API server does not serve "
                  + kinds.group()
                  + "/"
                  + kinds.version()
                  + " "
                  + kind
                  + " (install the CustomResourceDefinition "
                  + resource
                  + ")";
          case 409 -> "conflict: it changed while being written; run again";
          default ->
              e.getCode() <= 0
                  ? "the API server cannot be reached (" + ApiErrors.unreachable(e) + ")"
                  : "HTTP " + e.getCode() + ": " + ApiErrors.statusMessage(e);
        };
    return new WriteException(
        what + " at the API server " + client.getConfiguration().getMasterUrl() + ": " + reason, e);
  }
}
