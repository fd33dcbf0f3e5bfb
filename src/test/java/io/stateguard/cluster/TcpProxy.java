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
public final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private ServerSocket server;

  /** A proxy to {@code targetPort} on 127.0.0.1, listening when {@code up}. */
  public TcpProxy(int targetPort, boolean up) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      this.port = probe.getLocalPort();
    }
    if (up) {
      up();
    }
  }

  public int port() {
    return port;
  }

  /** Listens (again) on the proxy's port. */
  public synchronized void up() throws IOException {
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
  public synchronized void down() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    dropConnections();
  }

  /**
   * Cuts every open connection, on both sides (as a network failure would); new ones are accepted
   * as before.
   */
  public void dropConnections() {
    for (Socket s : sockets) {
      close(s);
    }
    sockets.clear();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed by down()
      }
      Socket upstream = new Socket();
      sockets.add(client);
      sockets.add(upstream);
      if (s.isClosed()) {
        // Accepted just as the proxy went down, perhaps after down() cut the open connections.
        close(client);
        close(upstream);
        return;
      }
      try {
        upstream.connect(target, 5_000);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        close(client);
        close(upstream);
      }
    }
  }

  /** Copies {@code from} to {@code to} until either side closes or fails, then closes both. */
  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // cut
              } finally {
                close(from);
                close(to);
                sockets.remove(from);
                sockets.remove(to);
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
  }
}
