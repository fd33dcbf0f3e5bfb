package io.stateguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stateguard.cluster.CacheState;
import io.stateguard.cluster.InformerClusterView;
import io.stateguard.policy.Admission;
import io.stateguard.policy.ClusterView;
import io.stateguard.policy.Operation;
import io.stateguard.policy.PolicyEngine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a change of replicas through the {@code statefulsets/scale} subresource ({@code kubectl
 * scale}, autoscalers) into the StatefulSet UPDATE it amounts to, so that the rules that judge a
 * change of replicas ({@code scale-down}, {@code pdb-quorum}, {@code storage-class}) see it.
 *
 * <p>The API server sends such a request with {@code kind} autoscaling/v1 {@code Scale}, {@code
 * resource} apps/v1 {@code statefulsets}, {@code subResource: scale}, and two Scale objects that
 * hold only the replica counts and the selector. The resource is read from the review, never
 * guessed from the kind: Deployments and ReplicaSets have a {@code Scale} subresource too. The set
 * itself comes from the cluster view: the old set is the stored one with the old Scale's {@code
 * spec.replicas}, the new set the stored one with the new Scale's. The API server omits a zero
 * {@code spec.replicas} (it is {@code omitempty}), so a missing count is 0.
 *
 * <p>The view's copy of a set is slim (only what the rules read), so the admission it makes is
 * judged only by the rules that check {@link
 * io.stateguard.policy.RuleInfo.Target#STATEFULSET_SCALE} (docs/adr/0009). When the view cannot
 * give the set (no connection to the API server, caches not synced, a set it has not seen, or an
 * older object of the same name), the scale is allowed with a warning that says so, and counted.
 *
 * <p>Stateless and thread-safe.
 */
final class ScaleReviews {

  private static final Logger LOGGER = LoggerFactory.getLogger(ScaleReviews.class);

  static final String GROUP = "apps";
  static final String RESOURCE = "statefulsets";

  /** The caches a scale is judged from: the set itself, and the budgets pdb-quorum re-checks. */
  private static final Set<String> NEEDED_CACHES = Set.of("statefulsets", "poddisruptionbudgets");

  private ScaleReviews() {}

  /** Why a scale was not judged; {@link #label()} is the metric's label. */
  enum NotJudged {
    /** serve runs without a cluster view that lists StatefulSets (no API server connection). */
    NO_CLUSTER("no_cluster"),
    /** The informer caches the judgement needs have not synced yet. */
    NOT_SYNCED("not_synced"),
    /** The synced caches do not hold the set (created a moment ago, or not yet seen). */
    NOT_FOUND("not_found"),
    /** The cache holds an older object of the same name (deleted and created again since). */
    OTHER_OBJECT("other_object");

    private final String label;

    NotJudged(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /**
   * The outcome for one review.
   *
   * @param request what the handler decides: the StatefulSet UPDATE a judged scale amounts to, or
   *     the request as decoded (not a StatefulSet scale, or not judged)
   * @param answer when the scale could not be judged, the answer to send (allowed, with a warning);
   *     else empty
   */
  record Translated(ReviewCodec.Request request, Optional<AdmissionReview> answer) {}

  /** Whether {@code r} changes a StatefulSet's replicas through its {@code scale} subresource. */
  static boolean isStatefulSetScale(AdmissionRequest r) {
    GroupVersionResource resource = r.getResource();
    return resource != null
        && GROUP.equals(resource.getGroup())
        && RESOURCE.equals(resource.getResource())
        && PolicyEngine.SCALE.equals(r.getSubResource())
        && Operation.UPDATE.name().equals(r.getOperation());
  }

  /**
   * {@code request} as the handler of {@code endpoint} should decide it: on {@code /validate}, a
   * StatefulSet scale becomes the UPDATE of the stored set from the old to the new replica count,
   * or, when the view cannot give the set, an answer that allows it with a warning (counted in
   * {@code metrics}). Anything else, and every request on {@code /mutate} (a Scale is never
   * patched), is returned as it is.
   *
   * @throws ReviewException (400) when a Scale's {@code spec.replicas} is not a whole number
   */
  static Translated translate(
      Endpoint endpoint,
      AdmissionRequest r,
      ReviewCodec.Request request,
      ClusterView view,
      WebhookMetrics metrics)
      throws ReviewException {
    if (endpoint != Endpoint.VALIDATE || request.admission().isEmpty() || !isStatefulSetScale(r)) {
      return new Translated(request, Optional.empty());
    }
    Admission scale = request.admission().get();
    int from = replicas(r.getOldObject(), "request.oldObject");
    int to = replicas(r.getObject(), "request.object");
    String namespace = scale.namespace();
    String name = scale.name().isEmpty() ? scale.subject().getMetadata().getName() : scale.name();
    String ref = "statefulset " + namespace + "/" + name;
    Optional<StatefulSet> stored =
        view.statefulSets(namespace).stream()
            .filter(s -> name.equals(s.getMetadata().getName()))
            .findFirst();
    Optional<NotJudged> problem = problem(view, stored, scale.subject());
    if (problem.isPresent()) {
      String why = why(problem.get(), view, ref);
      metrics.scaleNotJudged(problem.get());
      metrics.review(endpoint, request.kind(), request.operation(), AdmissionHandler.NOT_COVERED);
      LOGGER
          .atInfo()
          .addKeyValue("uid", Texts.oneLine(request.uid()))
          .addKeyValue("namespace", Texts.oneLine(namespace))
          .addKeyValue("name", Texts.oneLine(name))
          .addKeyValue("reason", problem.get().label())
          .log("allowed a scale of {} from {} to {} unjudged: {}", ref, from, to, why);
      AdmissionReview answer = ReviewResponses.allowed(request.uid());
      answer
          .getResponse()
          .setWarnings(
              ReviewResponses.bounded(
                  List.of(
                      "[stateguard] the scale of "
                          + ref
                          + " from "
                          + from
                          + " to "
                          + to
                          + " replicas was allowed without being judged: "
                          + why
                          + "; scale-down and pdb-quorum did not check it, so judge it yourself"
                          + " or retry once stateguard is ready")));
      return new Translated(request, Optional.of(answer));
    }
    StatefulSet set = stored.get();
    Admission update =
        new Admission(
            scale.uid(),
            Operation.UPDATE,
            "StatefulSet",
            PolicyEngine.SCALE,
            namespace,
            name,
            Optional.of(withReplicas(set, namespace, to)),
            Optional.of(withReplicas(set, namespace, from)),
            scale.options(),
            scale.user(),
            scale.dryRun());
    return new Translated(
        new ReviewCodec.Request(
            request.uid(),
            request.kind(),
            request.operation(),
            request.dryRun(),
            Optional.of(update)),
        Optional.empty());
  }

  /** Why the view cannot give the stored set, if it cannot. */
  private static Optional<NotJudged> problem(
      ClusterView view, Optional<StatefulSet> stored, HasMetadata scale) {
    if (view instanceof InformerClusterView informers
        && informers.caches().stream()
            .anyMatch(c -> NEEDED_CACHES.contains(c.resource()) && !c.synced())) {
      return Optional.of(NotJudged.NOT_SYNCED);
    }
    if (stored.isEmpty()) {
      return Optional.of(
          view instanceof InformerClusterView ? NotJudged.NOT_FOUND : NotJudged.NO_CLUSTER);
    }
    // The Scale's uid is the set's: a different cached uid is a set deleted and created again.
    String uid = scale.getMetadata().getUid();
    String cached = stored.get().getMetadata().getUid();
    if (uid != null && cached != null && !Objects.equals(uid, cached)) {
      return Optional.of(NotJudged.OTHER_OBJECT);
    }
    return Optional.empty();
  }

  private static String why(NotJudged problem, ClusterView view, String ref) {
    return switch (problem) {
      case NO_CLUSTER ->
          "stateguard has no view of the cluster holding "
              + ref
              + " (serve runs without a connection to the API server)";
      case NOT_SYNCED ->
          "stateguard's cluster caches have not synced yet ("
              + ((InformerClusterView) view)
                  .caches().stream()
                      .filter(c -> NEEDED_CACHES.contains(c.resource()) && !c.synced())
                      .map(c -> c.resource() + ": " + describe(c))
                      .collect(Collectors.joining("; "))
              + ")";
      case NOT_FOUND -> "stateguard's cluster cache does not hold " + ref + " yet";
      case OTHER_OBJECT ->
          "stateguard's cluster cache still holds an older " + ref + " of the same name";
    };
  }

  private static String describe(CacheState cache) {
    return Texts.clip(Texts.oneLine(cache.describe()), 120);
  }

  /** A copy of the stored {@code set} with {@code replicas}, placed in {@code namespace}. */
  private static StatefulSet withReplicas(StatefulSet set, String namespace, int replicas) {
    // A copy: the cached object is shared by every request and must not change.
    return new StatefulSetBuilder(set)
        .editMetadata()
        .withNamespace(namespace)
        .endMetadata()
        .editOrNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  /**
   * A Scale's {@code spec.replicas}: 0 when absent (the API server omits a zero count).
   *
   * @throws ReviewException (400) when the Scale is missing or its count is not a whole number from
   *     0 up
   */
  static int replicas(Object scale, String field) throws ReviewException {
    if (scale == null) {
      throw ReviewException.badRequest(
          field + " is missing: a scale UPDATE carries the old and the new Scale");
    }
    JsonNode replicas = ReviewCodec.json().valueToTree(scale).path("spec").path("replicas");
    if (replicas.isMissingNode() || replicas.isNull()) {
      return 0;
    }
    if (!replicas.canConvertToInt() || !replicas.isIntegralNumber() || replicas.intValue() < 0) {
      throw ReviewException.badRequest(
          field
              + ".spec.replicas is "
              + Texts.clip(replicas.toString(), 40)
              + ": a Scale's replicas are a whole number from 0 up");
    }
    return replicas.intValue();
  }
}
