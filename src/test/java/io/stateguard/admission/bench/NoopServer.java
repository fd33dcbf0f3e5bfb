package io.stateguard.admission.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's baseline: an HTTPS endpoint with the webhook's TLS and HTTP settings (TLS 1.2 and
 * 1.3, HTTP/1.1 keep-alive, one verticle per core) that reads the request body and answers a fixed
 * response of the same size as the webhook's, deciding nothing. The difference between it and
 * {@code serve} under the same load is what deciding costs.
 *
 * <p>Usage: {@code NoopServer PORT CERT KEY RESPONSE_FILE INSTANCES}
 */
public final class NoopServer {

  private NoopServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String cert = args[1];
    String key = args[2];
    Buffer response = Buffer.buffer(Files.readAllBytes(Path.of(args[3])));
    int instances = Integer.parseInt(args[4]);
    Vertx vertx = Vertx.vertx();
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setUseAlpn(false)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
            .setIdleTimeout(120)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(options)
                        .requestHandler(
                            req ->
                                req.body()
                                    .onSuccess(
                                        body ->
                                            req.response()
                                                .putHeader("content-type", "application/json")
                                                .end(response)))
                        .listen(port, "127.0.0.1");
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    System.out.println("ready on " + port);
    Thread.currentThread().join();
  }
}
