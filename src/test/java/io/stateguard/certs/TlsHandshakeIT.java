package io.stateguard.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real TLS handshakes over loopback with the JDK's own TLS stack: the server uses the generated key
 * and chain, the client trusts only the generated CA and checks the host name against the SANs, as
 * the API server does. No trust-all anywhere.
 */
class TlsHandshakeIT {

  private static final int TIMEOUT_MS = 10_000;
  private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

  // The JDK checks validity against the real time, so these certificates use the real clock.
  private static final Clock CLOCK = Clock.systemUTC();

  private final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  private final TlsMaterial tls =
      ca.issue(
          SubjectNames.forService("sg", "ops", List.of("127.0.0.1")), Duration.ofDays(1), CLOCK);

  private final ExecutorService serverThread = Executors.newSingleThreadExecutor();
  private SSLServerSocket server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    serverThread.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void clientVerifyingLocalhostConnectsToLoopback(String protocol) throws Exception {
    Future<String> served = serve(tls, protocol);

    try (SSLSocket client = connect("localhost", ca.certificate(), protocol)) {
      String answer = exchange(client, "ping");

      assertThat(answer).isEqualTo("pong ping");
      assertThat(client.getSession().getProtocol()).isEqualTo(protocol);
      assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(tls.certificate());
    }
    assertThat(served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("ping");
  }

  @Test
  void clientVerifyingTheServiceNameTheApiServerDialsConnects() throws Exception {
    Future<String> served = serve(tls, "TLSv1.3");

    try (SSLSocket client = connect("sg.ops.svc", ca.certificate(), "TLSv1.3")) {
      assertThat(exchange(client, "svc")).isEqualTo("pong svc");
    }
    assertThat(served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("svc");
  }

  @Test
  void clientVerifyingTheIpAddressConnectsWhenTheIpIsASan() throws Exception {
    serve(tls, "TLSv1.3");

    try (SSLSocket client = connect("127.0.0.1", ca.certificate(), "TLSv1.3")) {
      assertThat(exchange(client, "ip")).isEqualTo("pong ip");
    }
  }

  @Test
  void handshakeFailsForANameNotInTheSans() throws Exception {
    serve(tls, "TLSv1.3");

    assertThatThrownBy(() -> connect("sg.elsewhere.svc", ca.certificate(), "TLSv1.3"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("No subject alternative DNS name matching sg.elsewhere.svc");
  }

  @Test
  void handshakeFailsForAnIpNotInTheSans() throws Exception {
    TlsMaterial namesOnly =
        ca.issue(SubjectNames.forService("sg", "ops", List.of()), Duration.ofDays(1), CLOCK);
    serve(namesOnly, "TLSv1.3");

    assertThatThrownBy(() -> connect("127.0.0.1", ca.certificate(), "TLSv1.3"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void handshakeFailsForAClientTrustingAnotherCa() throws Exception {
    serve(tls, "TLSv1.3");
    X509Certificate otherCa = CertificateAuthority.generate(CLOCK).certificate();

    assertThatThrownBy(() -> connect("localhost", otherCa, "TLSv1.3"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path");
  }

  /** Accepts one connection, answers one line with "pong LINE", and returns the line. */
  private Future<String> serve(TlsMaterial material, String protocol) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "tls", material.privateKey(), STORE_PASSWORD, material.chain().toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    server.setEnabledProtocols(new String[] {protocol});
    return serverThread.submit(
        () -> {
          try (SSLSocket socket = (SSLSocket) server.accept()) {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            BufferedReader in =
                new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            PrintWriter out =
                new PrintWriter(
                    new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
            out.println("pong " + line);
            return line;
          }
        });
  }

  /**
   * Connects to the server on 127.0.0.1 while naming {@code host} for SNI and for the HTTPS
   * host-name check, so the check runs against the SANs whatever address was dialled.
   */
  private SSLSocket connect(String host, X509Certificate trusted, String protocol)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);

    Socket plain = new Socket();
    plain.connect(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()),
        TIMEOUT_MS);
    SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket(plain, host, server.getLocalPort(), true);
    try {
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      params.setProtocols(new String[] {protocol});
      socket.setSSLParameters(params);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static String exchange(SSLSocket socket, String line) throws IOException {
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
    out.println(line);
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }
}
