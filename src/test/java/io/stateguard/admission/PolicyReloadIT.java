package io.stateguard.admission;

import static io.stateguard.admission.CertificateRotationIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies folder changed under a running server: a good change is in force without a restart;
 * a bad file is reported and counted, and the last good policies stay in force.
 */
class PolicyReloadIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DENIED = "statefulset-create-denied.json";

  @TempDir Path certs;
  @TempDir Path policies;

  private Webhook webhook;
  private HttpsClient client;

  @BeforeEach
  void start() throws Exception {
    TestTls.install(1, certs);
    for (String file : new String[] {"baseline.yaml", "strict.yaml"}) {
      Files.copy(ApiServerFixtures.policies().resolve(file), policies.resolve(file));
    }
    ServeConfig config =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_HOST", "127.0.0.1",
                    "STATEGUARD_PORT", "0",
                    "STATEGUARD_AUDIT_FILE", certs.resolve("audit.jsonl").toString(),
                    "STATEGUARD_INSTANCES", "1",
                    "STATEGUARD_WATCH_INTERVAL", "100ms",
                    "STATEGUARD_SHUTDOWN_GRACE", "1s"))
            .withCertificateFiles(certs.resolve("tls.crt"), certs.resolve("tls.key"));
    webhook =
        Webhook.start(
            config,
            policies,
            ApiServerFixtures.rules(),
            ApiServerFixtures.mutations(),
            ApiServerFixtures.cluster(),
            OutputStream.nullOutputStream());
    client = new HttpsClient(webhook.port());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    webhook.close();
  }

  @Test
  void putsAGoodChangeInForceAndKeepsTheLastGoodPoliciesOverABadOne() throws Exception {
    assertThat(allowed(DENIED)).as("denied under the strict policy as loaded").isFalse();
    String firstVersion = webhook.policies().current().version();

    // The strict policy relaxed to warnings: the same request is now allowed.
    write(
        "strict.yaml",
        Files.readString(policies.resolve("strict.yaml"))
            .replace("readiness-probe: enforce", "readiness-probe: warn")
            .replace("mode: enforce", "mode: warn"));
    await(() -> reloads("success") == 1.0);
    assertThat(allowed(DENIED)).as("allowed once the relaxed policy is in force").isTrue();
    String relaxedVersion = webhook.policies().current().version();
    assertThat(relaxedVersion).isNotEqualTo(firstVersion);

    // A bad file: reported, counted, and the relaxed policies stay.
    write(
        "broken.yaml",
        "apiVersion: stateguard.io/v1\nkind: StatefulPolicy\nmetadata:\n  name: x\n"
            + "spec:\n  rules:\n    no-such-rule: enforce\n");
    await(() -> reloads("failure") == 1.0);
    assertThat(webhook.policies().current().version()).isEqualTo(relaxedVersion);
    assertThat(allowed(DENIED)).as("still decided by the last good policies").isTrue();
    assertThat(client.get("/readyz").status()).isEqualTo(200);

    // The bad file removed and the strict policy restored: enforced again.
    Files.delete(policies.resolve("broken.yaml"));
    write("strict.yaml", Files.readString(ApiServerFixtures.policies().resolve("strict.yaml")));
    await(() -> webhook.policies().current().version().equals(firstVersion));
    assertThat(allowed(DENIED)).isFalse();
  }

  private boolean allowed(String fixture) throws Exception {
    HttpsClient.Reply reply = client.review("/validate", ApiServerFixtures.body(fixture));
    assertThat(reply.status()).isEqualTo(200);
    return JSON.readTree(reply.body()).at("/response/allowed").asBoolean();
  }

  private double reloads(String result) {
    return webhook
        .registry()
        .get("stateguard_policy_reloads_total")
        .tag("result", result)
        .counter()
        .count();
  }

  private void write(String name, String content) throws Exception {
    Path temp = Files.createTempFile(policies.getParent(), "policy", ".tmp");
    Files.writeString(temp, content);
    Files.move(
        temp,
        policies.resolve(name),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
