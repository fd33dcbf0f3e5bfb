package io.stateguard.cluster.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mock API server's CRUD dispatcher, paging lists as a real API server does: a list with {@code
 * limit} answers at most that many items and a {@code continue} token for the rest. The mock itself
 * ignores {@code limit} and answers every object at once; an informer's memory during its first
 * list would then not be what it is against a real cluster (500 objects a page).
 *
 * <p>The first page takes a snapshot of the whole list (as the API server lists at one resource
 * version); the following pages are cut from it. Writes are the mock's own; watches are silent (see
 * {@link #handleWatch}).
 *
 * <p>{@code GET /version} answers what an API server answers. The mock in CRUD mode takes it for a
 * list of every kind and answers every stored object: about 150 MB for the benchmark's 70,000
 * objects, asked every few seconds by the view's connection probe, which then decided the
 * informers' JVM's memory.
 */
final class PagingCrudDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VERSION =
      "{\"major\":\"1\",\"minor\":\"28\",\"gitVersion\":\"v1.28.0\",\"platform\":\"linux/amd64\"}";

  private final Map<String, ObjectNode> snapshots = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();
  private volatile boolean filling;

  /**
   * While {@code filling}, a create does not look for an existing object of the same name: the mock
   * scans every stored object for that, which makes filling it quadratic (14,000 objects took over
   * three minutes), and the benchmark creates each name once.
   */
  void filling(boolean filling) {
    this.filling = filling;
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    return filling ? null : super.findResource(attributes);
  }

  /**
   * A watch that stays open and sends nothing: nothing changes once the benchmark has filled the
   * server, so a real API server would send nothing either on a watch from the list's resource
   * version. The mock's own watch ignores the resource version and first sends every existing
   * object again, as fast as it can: for 50,000 pods a burst a real cluster never sends, which
   * would decide the informers' peak memory.
   */
  @Override
  public MockResponse handleWatch(String path) {
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {});
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.equals("/version") || path.startsWith("/version?")) {
      return new MockResponse().setResponseCode(200).setBody(VERSION);
    }
    int query = path.indexOf('?');
    if (query < 0) {
      return super.handleGet(path);
    }
    Map<String, String> params = params(path.substring(query + 1));
    if (!params.containsKey("limit") || "true".equals(params.get("watch"))) {
      return super.handleGet(path);
    }
    int limit = Integer.parseInt(params.remove("limit"));
    String token = params.remove("continue");
    params.remove("resourceVersion");
    ObjectNode list;
    int offset;
    String id;
    if (token == null) {
      MockResponse whole = super.handleGet(path.substring(0, query) + query(params));
      if (whole.code() != 200) {
        return whole;
      }
      try {
        list = (ObjectNode) JSON.readTree(whole.getBody().readUtf8());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      offset = 0;
      id = Long.toString(next.incrementAndGet());
      snapshots.put(id, list);
    } else {
      String[] parts = token.split(":", 2);
      id = parts[0];
      offset = Integer.parseInt(parts[1]);
      list = snapshots.get(id);
      if (list == null) {
        return new MockResponse().setResponseCode(410);
      }
    }
    ArrayNode items = (ArrayNode) list.path("items");
    int end = Math.min(items.size(), offset + limit);
    // The list's own fields (kind, apiVersion, metadata) copied, its items only referenced: a deep
    // copy of 50,000 pods for every page made each page take seconds.
    ObjectNode page = JSON.createObjectNode();
    list.fields()
        .forEachRemaining(
            field -> {
              if (!field.getKey().equals("items")) {
                page.set(field.getKey(), field.getValue().deepCopy());
              }
            });
    ArrayNode slice = page.putArray("items");
    for (int i = offset; i < end; i++) {
      slice.add(items.get(i));
    }
    ObjectNode metadata = page.withObjectProperty("metadata");
    if (end < items.size()) {
      metadata.put("continue", id + ":" + end);
      metadata.put("remainingItemCount", items.size() - end);
    } else {
      metadata.remove("continue");
      snapshots.remove(id);
    }
    try {
      return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(page));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(key, value);
    }
    return params;
  }

  private static String query(Map<String, String> params) {
    if (params.isEmpty()) {
      return "";
    }
    StringBuilder q = new StringBuilder("?");
    params.forEach(
        (k, v) -> {
          if (q.length() > 1) {
            q.append('&');
          }
          q.append(k).append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return q.toString();
  }
}
