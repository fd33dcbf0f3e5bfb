package io.stateguard.chart;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A container's environment as the kubelet builds it: literal values, values from Secret keys, the
 * pod's namespace from the downward API, and {@code $(NAME)} references to variables defined
 * earlier in the list ({@code $$} escapes a dollar; a reference to an unknown name is left as
 * written).
 */
final class PodEnv {

  private PodEnv() {}

  /**
   * @param secrets the value of a key of a Secret, by Secret name and key
   */
  static Map<String, String> of(Container container, BiFunction<String, String, String> secrets) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      String value;
      if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        // The downward API: the pod's namespace is the release's.
        String field = var.getValueFrom().getFieldRef().getFieldPath();
        if (!"metadata.namespace".equals(field)) {
          throw new AssertionError(var.getName() + " comes from pod field " + field);
        }
        value = Chart.NAMESPACE;
      } else if (var.getValueFrom() != null) {
        SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
        if (ref == null) {
          throw new AssertionError(var.getName() + " comes from something other than a Secret");
        }
        value = secrets.apply(ref.getName(), ref.getKey());
      } else {
        value = expand(var.getValue() == null ? "" : var.getValue(), env);
      }
      env.put(var.getName(), value);
    }
    return env;
  }

  /** A Secret value that names where it came from, for tests that only need some text. */
  static String placeholder(String secret, String key) {
    return "secret " + secret + " key " + key;
  }

  private static String expand(String value, Map<String, String> defined) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '(') {
        int close = value.indexOf(')', i + 2);
        String name = close < 0 ? null : value.substring(i + 2, close);
        if (name != null && defined.containsKey(name)) {
          out.append(defined.get(name));
          i = close + 1;
        } else {
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
