package io.stateguard.admission;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A test client as the API server is one: HTTPS to 127.0.0.1, trusting only the test CA, and
 * checking the server certificate against the host name it was asked for (a SAN), never trust-all.
 * Blocking helpers, for test threads only.
 */
final class HttpsClient implements AutoCloseable {

  /** One answer: status, headers, body, and what the TLS session was. */
  record Reply(
      int status,
      Map<String, String> headers,
      String body,
      String protocol,
      String certificateFingerprint) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;
  private final String host;

  HttpsClient(int port) {
    this(port, TestTls.SAN_HOST, TestTls.ca(), true);
  }

  /**
   * @param host the name the server certificate must carry
   * @param keepAlive false to open a new connection (a new TLS handshake) for every request
   */
  HttpsClient(int port, String host, Path ca, boolean keepAlive) {
    this(port, host, ca, keepAlive, Set.of("TLSv1.2", "TLSv1.3"));
  }

  /**
   * @param protocols the TLS versions the client offers
   */
  HttpsClient(int port, String host, Path ca, boolean keepAlive, Set<String> protocols) {
    this.vertx = Vertx.vertx();
    this.port = port;
    this.host = host;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                .setEnabledSecureTransportProtocols(protocols)
                .setKeepAlive(keepAlive)
                .setConnectTimeout(5_000));
  }

  Reply post(String path, String contentType, byte[] body) throws Exception {
    RequestOptions options = options(HttpMethod.POST, path);
    if (contentType != null) {
      options.putHeader("content-type", contentType);
    }
    return await(
        client.request(options).compose(req -> req.send(Buffer.buffer(body)).compose(this::reply)));
  }

  Reply review(String path, byte[] body) throws Exception {
    return post(path, "application/json", body);
  }

  Reply get(String path) throws Exception {
    return await(
        client
            .request(options(HttpMethod.GET, path))
            .compose(req -> req.send().compose(this::reply)));
  }

  Reply send(HttpMethod method, String path) throws Exception {
    return await(
        client.request(options(method, path)).compose(req -> req.send().compose(this::reply)));
  }

  RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions()
        .setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
        .setHost(host)
        .setPort(port)
        .setURI(path)
        .setTimeout(10_000);
  }

  HttpClient raw() {
    return client;
  }

  private Future<Reply> reply(io.vertx.core.http.HttpClientResponse response) {
    String protocol = response.request().connection().sslSession().getProtocol();
    String fingerprint;
    try {
      Certificate leaf = response.request().connection().peerCertificates().get(0);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
      fingerprint = "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    Map<String, String> headers = new java.util.HashMap<>();
    response
        .headers()
        .forEach(
            e -> headers.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + ", " + b));
    return response
        .body()
        .map(
            b ->
                new Reply(
                    response.statusCode(),
                    headers,
                    b.toString(StandardCharsets.UTF_8),
                    protocol,
                    fingerprint));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
