package io.stateguard.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The fabric8 mock API server in CRUD mode, with one change that makes it usable when watches end
 * while it is sending to them: the end of a watch is handled off the server's event loop.
 *
 * <p>Why: the mock sends each watch's events from a thread of its own and waits (up to 30 s) for
 * each write, which the Vert.x event loop completes; when a watch ends (the client closes it, or
 * the connection goes), the mock's handler for that, run on the same event loop, waits for the
 * sending thread to finish. While a send is in flight the two wait on each other until the write
 * times out, and every connection on that event loop (lists, other watches) stalls for up to 30 s;
 * if the server is shut down meanwhile it fails with "Unable to close". A send is in flight
 * whenever a watch ends soon after it opened (the mock sends every existing object as ADDED on
 * open) or while objects change; under load that is common. Ending the watch on another thread lets
 * the event loop complete the write, so the send finishes and the end follows it.
 */
public final class CrudApiServer implements AutoCloseable {

  private final ExecutorService ends =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mock-watch-end");
            t.setDaemon(true);
            return t;
          });
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  /** Starts the server on a free port of 127.0.0.1, over HTTPS. */
  public CrudApiServer() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new Dispatcher(), true);
    server.init();
    client = server.createClient();
  }

  /** A client of the server (trusting its certificate), closed with it. */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    server.destroy();
    ends.shutdown();
    ends.awaitTermination(35, TimeUnit.SECONDS);
  }

  private final class Dispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handleWatch(String path) {
      MockResponse response = super.handleWatch(path);
      WebSocketListener listener = response.getWebSocketListener();
      return listener == null
          ? response
          : response.withWebSocketUpgrade(new EndingOffTheLoop(listener));
    }
  }

  /** Passes everything to the mock's listener; the end of the watch on another thread. */
  private final class EndingOffTheLoop extends WebSocketListener {
    private final WebSocketListener watch;

    EndingOffTheLoop(WebSocketListener watch) {
      this.watch = watch;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      watch.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watch.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      watch.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      watch.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      watch.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      watch.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      ends.execute(() -> watch.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      ends.execute(() -> watch.onFailure(webSocket, error, response));
    }
  }
}
