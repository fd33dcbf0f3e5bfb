package io.stateguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts webhooks with audit settings and makes reviews with chosen uids, for the audit ITs. */
final class AuditedReviews {

  static final ObjectMapper JSON = new ObjectMapper();

  private AuditedReviews() {}

  /** A webhook on a free port with the test certificates in {@code certs} and these settings. */
  static Webhook start(Path certs, Map<String, String> audit) throws Exception {
    TestTls.install(1, certs);
    Map<String, String> settings = new HashMap<>(audit);
    settings.put("STATEGUARD_HOST", "127.0.0.1");
    settings.put("STATEGUARD_PORT", "0");
    settings.put("STATEGUARD_INSTANCES", "2");
    settings.put("STATEGUARD_SHUTDOWN_GRACE", "2s");
    ServeConfig config =
        ServeConfig.from(settings)
            .withCertificateFiles(certs.resolve("tls.crt"), certs.resolve("tls.key"));
    return Webhook.start(
        config,
        ApiServerFixtures.policies(),
        ApiServerFixtures.rules(),
        ApiServerFixtures.mutations(),
        ApiServerFixtures.cluster(),
        OutputStream.nullOutputStream());
  }

  /** The body of fixture {@code name} with its request uid replaced by {@code uid}. */
  static byte[] withUid(String name, String uid) {
    try {
      ObjectNode review = (ObjectNode) JSON.readTree(ApiServerFixtures.body(name));
      ((ObjectNode) review.get("request")).put("uid", uid);
      return JSON.writeValueAsBytes(review);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The events of a JSON-lines file, in order. */
  static List<JsonNode> events(Path file) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        events.add(JSON.readTree(line));
      }
    }
    return events;
  }
}
