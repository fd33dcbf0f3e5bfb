package io.stateguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps the {@link Slim} copy of each object instead of the object as
 * listed or watched. The informer computes its indexes from the full object and compares resource
 * versions on the stored one, so the slim copy must keep the namespace, the controller owner
 * references and the resource version (it does). Thread-safe, as the informer needs.
 */
final class SlimStore<T extends HasMetadata> implements ItemStore<T> {

  private final ConcurrentMap<String, T> items = new ConcurrentHashMap<>();
  private final UnaryOperator<T> slim;

  SlimStore(UnaryOperator<T> slim) {
    this.slim = slim;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return items.put(key, slim.apply(object));
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }
}
