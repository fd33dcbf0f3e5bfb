package io.stateguard.chart;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code helm template} printed, each document read into its fabric8 model class as strictly
 * as the API server reads it: a field the kind does not have, or a value of the wrong type, fails
 * the read with the document and the field. Kinds no model on the class path describes
 * (cert-manager and Prometheus Operator resources) are read as {@link GenericKubernetesResource};
 * any other kind is an error, so a new template must be added here, and so tested.
 *
 * @param objects the documents in the order Helm printed them, which is the order it installs them
 */
record Rendered(List<HasMetadata> objects) {

  private static final Map<String, Class<? extends HasMetadata>> TYPED =
      Map.ofEntries(
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
          Map.entry(
              "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration",
              ValidatingWebhookConfiguration.class),
          Map.entry(
              "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration",
              MutatingWebhookConfiguration.class),
          Map.entry("cert-manager.io/v1/Issuer", GenericKubernetesResource.class),
          Map.entry("cert-manager.io/v1/Certificate", GenericKubernetesResource.class),
          Map.entry("monitoring.coreos.com/v1/ServiceMonitor", GenericKubernetesResource.class));

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper STRICT = strictMapper();

  static Rendered parse(String output) {
    List<HasMetadata> objects = new ArrayList<>();
    try (var documents = YAML.readValues(YAML.createParser(output), JsonNode.class)) {
      int index = 0;
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        index++;
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        objects.add(read(index, document));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the chart rendered YAML that does not parse", e);
    }
    return new Rendered(List.copyOf(objects));
  }

  private static HasMetadata read(int index, JsonNode document) {
    String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    Class<? extends HasMetadata> type = TYPED.get(key);
    if (type == null) {
      throw new AssertionError(
          "document " + index + " is a " + key + ", a kind these tests do not know: add it");
    }
    try {
      return STRICT.treeToValue(document, type);
    } catch (IOException e) {
      throw new AssertionError(
          "document "
              + index
              + " ("
              + key
              + " "
              + document.path("metadata").path("name").asText()
              + ") does not read as "
              + type.getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Fails on unknown fields and on scalars of the wrong type, as the API server does. */
  private static ObjectMapper strictMapper() {
    SimpleModule strict = new SimpleModule("chart-strict");
    strict.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
            // fabric8's models keep unknown fields in additionalProperties; refuse them instead.
            // Unstructured resources (no properties of their own) keep theirs.
            if (builder.getProperties().hasNext()
                && !GenericKubernetesResource.class.isAssignableFrom(bean.getBeanClass())) {
              builder.setAnySetter(null);
              builder.setIgnoreUnknownProperties(false);
            }
            return builder;
          }
        });
    return JsonMapper.builder()
        .addModule(strict)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .build();
  }

  /** Every object of one model class. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one object of a model class; fails when there is none or several. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + ", the chart rendered " + found.size());
    }
    return found.get(0);
  }

  <T extends HasMetadata> Optional<T> optional(Class<T> type) {
    List<T> found = all(type);
    if (found.size() > 1) {
      throw new AssertionError(
          "expected at most one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.stream().findFirst();
  }

  /** The unstructured objects of one kind (cert-manager, Prometheus Operator). */
  List<GenericKubernetesResource> generic(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getKind().equals(kind))
        .toList();
  }

  /** Position in Helm's output, which is its install order. */
  int position(HasMetadata object) {
    return objects.indexOf(object);
  }
}
