package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutting down while a request is in flight: the request is answered, new connections are refused,
 * and the server is gone within the grace period.
 */
class GracefulShutdownIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path certs;

  @Test
  void finishesTheRequestInFlightAndRefusesNewConnections() throws Exception {
    TestTls.install(1, certs);
    ServeConfig config =
        ServeConfig.from(
                Map.of(
                    "STATEGUARD_HOST", "127.0.0.1",
                    "STATEGUARD_PORT", "0",
                    "STATEGUARD_AUDIT_FILE", certs.resolve("audit.jsonl").toString(),
                    "STATEGUARD_INSTANCES", "2",
                    "STATEGUARD_SHUTDOWN_GRACE", "60s"))
            .withCertificateFiles(certs.resolve("tls.crt"), certs.resolve("tls.key"));
    Webhook webhook =
        Webhook.start(
            config,
            ApiServerFixtures.policies(),
            ApiServerFixtures.rules(),
            ApiServerFixtures.mutations(),
            ApiServerFixtures.cluster(),
            OutputStream.nullOutputStream());
    byte[] body = ApiServerFixtures.body("statefulset-create-denied.json");
    try (HttpsClient client = new HttpsClient(webhook.port())) {
      // A request whose body is half sent when the shutdown begins.
      HttpClientRequest request =
          HttpsClient.await(client.raw().request(client.options(HttpMethod.POST, "/validate")));
      request
          .putHeader("content-type", "application/json")
          .putHeader("content-length", Integer.toString(body.length));
      HttpsClient.await(request.write(Buffer.buffer(Arrays.copyOf(body, body.length / 2))));

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(() -> webhook.shutdown(Duration.ofSeconds(60)));
      CertificateRotationIT.await(() -> webhook.readiness().report().ready() == false);
      CertificateRotationIT.await(() -> refusesNewConnections(webhook.port()));
      request.end(Buffer.buffer(Arrays.copyOfRange(body, body.length / 2, body.length)));
      // The body is read in the response's own callback, as Vert.x requires.
      HttpClientResponse[] response = new HttpClientResponse[1];
      String answer =
          HttpsClient.await(
                  request
                      .response()
                      .compose(
                          r -> {
                            response[0] = r;
                            return r.body();
                          }))
              .toString();
      shutdown.get();

      assertThat(response[0].statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(answer).at("/response/uid").asText())
          .isEqualTo(ApiServerFixtures.uid("statefulset-create-denied.json"));
      assertThat(JSON.readTree(answer).at("/response/allowed").asBoolean()).isFalse();
      // And its decision is in the audit log, which the shutdown closed after the last response
      assertThat(Files.readString(certs.resolve("audit.jsonl")))
          .as("the audit event of the request that finished during the shutdown")
          .contains(ApiServerFixtures.uid("statefulset-create-denied.json"));
    } finally {
      webhook.close();
    }
  }

  private static boolean refusesNewConnections(int port) {
    try (HttpsClient fresh = new HttpsClient(port, TestTls.SAN_HOST, TestTls.ca(), false)) {
      assertThatThrownBy(() -> fresh.get("/healthz")).isInstanceOf(ExecutionException.class);
      return true;
    } catch (AssertionError e) {
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
