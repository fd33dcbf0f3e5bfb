package io.stateguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stateguard serve} as a person starts it: the packaged jar in a process, in a folder of its
 * own, without certificate flags (so it makes development certificates in {@code certs/}) and with
 * the shipped policies. It answers an API server body over HTTPS to a client that trusts {@code
 * certs/ca.crt} and checks the name {@code localhost}, logs JSON lines, and exits 0 on SIGTERM.
 */
class ServeProcessIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void servesWithDevelopmentCertificatesAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    Path log = work.resolve("stderr.log");
    Process process =
        new ProcessBuilder(
                javaCommand(
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--log-format",
                    "json",
                    "--instances",
                    "2",
                    "--shutdown-grace",
                    "5s"))
            .directory(work.toFile())
            .redirectOutput(work.resolve("stdout.log").toFile())
            .redirectError(log.toFile())
            .start();
    Vertx vertx = Vertx.vertx();
    try {
      Path ca = work.resolve("certs/ca.crt");
      await(() -> Files.exists(work.resolve("certs/tls.crt")) || !process.isAlive(), log);
      assertThat(process.isAlive()).as("running; stderr: %s", read(log)).isTrue();
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setVerifyHost(true)
                  .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
      await(() -> status(client, port, "/readyz") == 200, log);

      byte[] body =
          Files.readAllBytes(
              Path.of("src/test/resources/ApiServerFixtures/statefulset-create.json"));
      String answer =
          client
              .request(options(port, HttpMethod.POST, "/validate"))
              .compose(
                  req ->
                      req.putHeader("content-type", "application/json")
                          .send(Buffer.buffer(body))
                          .compose(r -> r.body()))
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS)
              .toString();
      JsonNode response = JSON.readTree(answer).path("response");
      assertThat(response.path("uid").asText())
          .isEqualTo(JSON.readTree(body).at("/request/uid").asText());
      assertThat(response.has("allowed")).isTrue();

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within the grace").isTrue();
      assertThat(process.exitValue()).as("exit status; stderr: %s", read(log)).isZero();
    } finally {
      process.destroyForcibly();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines)
        .as("every stderr line is a JSON log event")
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l.has("level") && l.has("formattedMessage")).isTrue());
    assertThat(lines.stream().map(l -> l.path("formattedMessage").asText()))
        .anyMatch(m -> m.startsWith("no --tls-cert and --tls-key: serving development"))
        .anyMatch(m -> m.startsWith("stateguard webhook ready on https://127.0.0.1:" + port))
        .anyMatch(m -> m.equals("stopped"));
    assertThat(work.resolve("certs/tls.key")).exists();
  }

  private static RequestOptions options(int port, HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
        .setHost("localhost")
        .setPort(port)
        .setURI(path)
        .setTimeout(5_000);
  }

  private static int status(HttpClient client, int port, String path) {
    try {
      return client
          .request(options(port, HttpMethod.GET, path))
          .compose(req -> req.send())
          .map(r -> r.statusCode())
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return -1;
    }
  }

  /** The packaged launcher when the build made it, else the test class path. */
  private static List<String> javaCommand(String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    Path jar = Path.of("target", "stateguard.jar").toAbsolutePath();
    if (Files.exists(jar)) {
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      String classPath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      command.addAll(
          List.of("-cp", classPath.replace(":", File.pathSeparator), Main.class.getName()));
    }
    command.addAll(List.of(args));
    return command;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not met within 60 s; stderr: " + read(log));
      }
      Thread.sleep(50);
    }
  }
}
