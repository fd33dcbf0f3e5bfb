package io.stateguard.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of the mock API server, to make the server unreachable for the
 * view's client without stopping it: {@link #down} closes every connection and refuses new ones
 * (connection refused), {@link #up} listens again on the same port, {@link #dropConnections} cuts
 * the open connections (a watch that drops) and keeps listening.
 */
final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  /** A proxy to {@code targetPort} on 127.0.0.1, listening when {@code up}. */
  TcpProxy(int targetPort, boolean up) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      this.port = probe.getLocalPort();
    }
    if (up) {
      up();
    }
  }

  int port() {
    return port;
  }

  /** Listens (again) on the proxy's port. */
  synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    server = s;
    Thread accept = new Thread(() -> accept(s), "proxy-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  /** Refuses connections and cuts the open ones: the API server is unreachable. */
  synchronized void down() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    dropConnections();
  }

  /**
   * Cuts every client connection; new ones are accepted as before. The mock API server's side of
   * each connection stays open and is read to the end, so that the mock never blocks writing watch
   * events to a client that is gone (it does not notice an abrupt close); it is closed with the
   * proxy.
   */
  void dropConnections() {
    for (Socket s : clients) {
      close(s);
    }
    clients.clear();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed by down()
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        clients.add(client);
        upstreams.add(upstream);
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        close(client);
      }
    }
  }

  /**
   * Copies {@code from} to {@code to} until either side closes. When {@code drain}, a failed write
   * (the client was cut) does not stop the reading: the rest is read and discarded.
   */
  private void pump(Socket from, Socket to, boolean drain) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              boolean writing = true;
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (writing) {
                    try {
                      out.write(buffer, 0, n);
                      out.flush();
                    } catch (IOException e) {
                      if (!drain) {
                        throw e;
                      }
                      writing = false;
                    }
                  }
                }
              } catch (IOException e) {
                // cut
              } finally {
                if (drain) {
                  // The mock closed its side (or failed): nothing more can come; close both.
                  close(from);
                  close(to);
                  upstreams.remove(from);
                  clients.remove(to);
                } else {
                  close(from); // the client's side; the mock's side stays open (see above)
                  clients.remove(from);
                }
              }
            },
            "proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    down();
    for (Socket s : upstreams) {
      close(s);
    }
    upstreams.clear();
  }
}
