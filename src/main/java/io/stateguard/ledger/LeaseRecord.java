package io.stateguard.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The ledger of one StatefulSet as a {@code coordination.k8s.io/v1} Lease in stateguard's own
 * namespace: the reservations are a JSON array in the {@value #RESERVATIONS} annotation, the set it
 * is about in {@value #STATEFULSET}. A Lease is the API's object for coordination between replicas:
 * small, namespaced, with a resourceVersion to update against, and readable by operators ({@code
 * kubectl get lease -l app.kubernetes.io/component=disruption-ledger}).
 */
final class LeaseRecord {

  static final String RESERVATIONS = "stateguard.io/reservations";
  static final String STATEFULSET = "stateguard.io/statefulset";
  static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  static final String COMPONENT = "disruption-ledger";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Entry>> LIST = new TypeReference<>() {};

  /** A reservation as stored: the expiry as RFC 3339 text, like every time in the API. */
  record Entry(String pod, String podUid, String request, String expires) {}

  private LeaseRecord() {}

  /**
   * The Lease's name for the set {@code namespace/name}: a hash, since a namespace and a set name
   * together can be longer than an object name may be; the annotation names the set.
   */
  static String leaseName(String namespace, String set) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((namespace + "/" + set).getBytes(StandardCharsets.UTF_8));
      return "stateguard-ledger-" + HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The reservations the Lease holds; none when it has no annotation. */
  static List<Reservation> reservations(Lease lease) throws LedgerException {
    Map<String, String> annotations =
        lease == null || lease.getMetadata() == null ? null : lease.getMetadata().getAnnotations();
    String json = annotations == null ? null : annotations.get(RESERVATIONS);
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return JSON.readValue(json, LIST).stream()
          .map(e -> new Reservation(e.pod(), e.podUid(), e.request(), Instant.parse(e.expires())))
          .toList();
    } catch (JsonProcessingException | RuntimeException e) {
      throw new LedgerException(
          "the ledger Lease "
              + lease.getMetadata().getName()
              + " holds unreadable reservations ("
              + e.getMessage()
              + "); delete the Lease to reset it",
          e);
    }
  }

  /**
   * {@code base} (or a new Lease when null) holding {@code reservations}; the resourceVersion of
   * {@code base} is kept, so that the update fails when another replica wrote first.
   */
  static Lease with(
      Lease base,
      String ownNamespace,
      String namespace,
      String set,
      String replica,
      List<Reservation> reservations,
      Instant now) {
    String json;
    try {
      json =
          JSON.writeValueAsString(
              reservations.stream()
                  .map(r -> new Entry(r.pod(), r.podUid(), r.request(), r.expires().toString()))
                  .toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("reservations are plain data", e);
    }
    Map<String, String> annotations = new HashMap<>();
    if (base != null && base.getMetadata().getAnnotations() != null) {
      annotations.putAll(base.getMetadata().getAnnotations());
    }
    annotations.put(RESERVATIONS, json);
    annotations.put(STATEFULSET, namespace + "/" + set);
    Map<String, String> labels = new HashMap<>();
    if (base != null && base.getMetadata().getLabels() != null) {
      labels.putAll(base.getMetadata().getLabels());
    }
    labels.put(COMPONENT_LABEL, COMPONENT);
    labels.put("app.kubernetes.io/managed-by", "stateguard");
    ObjectMetaBuilder meta =
        base == null
            ? new ObjectMetaBuilder()
                .withNamespace(ownNamespace)
                .withName(leaseName(namespace, set))
            : new ObjectMetaBuilder(base.getMetadata());
    return new LeaseBuilder()
        .withMetadata(meta.withAnnotations(annotations).withLabels(labels).build())
        .withNewSpec()
        .withHolderIdentity(replica)
        .withRenewTime(ZonedDateTime.ofInstant(now, ZoneOffset.UTC))
        .endSpec()
        .build();
  }
}
