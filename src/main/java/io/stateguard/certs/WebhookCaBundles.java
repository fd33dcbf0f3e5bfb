package io.stateguard.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the trust bundle into the {@code caBundle} of every webhook of stateguard's two webhook
 * configurations, only where it differs. A configuration that does not exist (not installed yet, or
 * the mutating one turned off) or cannot be read or patched is logged and tried again at the next
 * check; it never stops the server.
 *
 * <p>The patch is a JSON Patch that first tests each webhook's name at its index, so a
 * configuration rewritten in between (a {@code helm upgrade} reordering its webhooks) makes the
 * patch fail rather than put the bundle on the wrong entry; the next check reads it again.
 *
 * <p>Blocking; called from one thread at a time (the keeper's).
 */
final class WebhookCaBundles {

  private static final Logger LOGGER = LoggerFactory.getLogger(WebhookCaBundles.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One webhook entry: its name and the caBundle it carries (null: none). */
  private record Entry(String name, String caBundle) {}

  /** How publishing to one configuration went. */
  enum Outcome {
    /** Every webhook carries the bundle (patched now or already). */
    CURRENT,
    /** The configuration does not exist; nothing calls stateguard through it. */
    MISSING,
    /** It could not be read or patched; tried again at the next check. */
    FAILED
  }

  private final KubernetesClient client;
  private final String validating;
  private final Optional<String> mutating;

  WebhookCaBundles(KubernetesClient client, String validating, Optional<String> mutating) {
    this.client = client;
    this.validating = validating;
    this.mutating = mutating;
  }

  /** The outcome per configuration: validating first, then mutating if there is one. */
  List<Outcome> publish(String caBundle) {
    List<Outcome> outcomes = new ArrayList<>();
    outcomes.add(
        publish(
            "validatingwebhookconfiguration",
            validating,
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(validating),
            WebhookCaBundles::validatingEntries,
            caBundle));
    mutating.ifPresent(
        name ->
            outcomes.add(
                publish(
                    "mutatingwebhookconfiguration",
                    name,
                    client
                        .admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(name),
                    WebhookCaBundles::mutatingEntries,
                    caBundle)));
    return outcomes;
  }

  private <T> Outcome publish(
      String kind,
      String name,
      Resource<T> resource,
      java.util.function.Function<T, List<Entry>> entries,
      String caBundle) {
    T configuration;
    try {
      configuration = resource.get();
    } catch (KubernetesClientException e) {
      logFailure(kind, name, "get", e);
      return Outcome.FAILED;
    }
    if (configuration == null) {
      LOGGER
          .atWarn()
          .addKeyValue("kind", kind)
          .addKeyValue("name", name)
          .log(
              "{} {} does not exist (yet): its caBundle is set when it appears, checked again"
                  + " shortly",
              kind,
              name);
      return Outcome.MISSING;
    }
    List<Entry> webhooks = entries.apply(configuration);
    ArrayNode patch = JSON.createArrayNode();
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < webhooks.size(); i++) {
      Entry webhook = webhooks.get(i);
      if (caBundle.equals(webhook.caBundle())) {
        continue;
      }
      String at = "/webhooks/" + i;
      patch.add(op("test", at + "/name").put("value", webhook.name()));
      // add sets the member whether it exists or not (replace would fail on a missing caBundle).
      patch.add(op("add", at + "/clientConfig/caBundle").put("value", caBundle));
      changed.add(webhook.name());
    }
    if (changed.isEmpty()) {
      return Outcome.CURRENT;
    }
    try {
      resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
    } catch (KubernetesClientException e) {
      logFailure(kind, name, "patch", e);
      return Outcome.FAILED;
    }
    LOGGER
        .atInfo()
        .addKeyValue("kind", kind)
        .addKeyValue("name", name)
        .addKeyValue("webhooks", changed)
        .log("caBundle of {} {} set for {}", kind, name, String.join(", ", changed));
    return Outcome.CURRENT;
  }

  private static ObjectNode op(String op, String path) {
    return JSON.createObjectNode().put("op", op).put("path", path);
  }

  private static List<Entry> validatingEntries(ValidatingWebhookConfiguration configuration) {
    List<Entry> entries = new ArrayList<>();
    for (ValidatingWebhook w : configuration.getWebhooks()) {
      entries.add(new Entry(w.getName(), bundle(w.getClientConfig())));
    }
    return entries;
  }

  private static List<Entry> mutatingEntries(MutatingWebhookConfiguration configuration) {
    List<Entry> entries = new ArrayList<>();
    for (MutatingWebhook w : configuration.getWebhooks()) {
      entries.add(new Entry(w.getName(), bundle(w.getClientConfig())));
    }
    return entries;
  }

  private static String bundle(WebhookClientConfig config) {
    return config == null ? null : config.getCaBundle();
  }

  private static void logFailure(
      String kind, String name, String verb, KubernetesClientException e) {
    String why =
        e.getCode() == 403
            ? "forbidden: the service account needs '"
                + verb
                + "' on admissionregistration.k8s.io "
                + kind
                + "s named "
                + name
            : SelfManagedCertificates.reason(e);
    LOGGER
        .atError()
        .addKeyValue("kind", kind)
        .addKeyValue("name", name)
        .addKeyValue("verb", verb)
        .log(
            "cannot {} {} {} to set its caBundle: {}; the API server cannot verify stateguard's"
                + " certificate until it is set; tried again at the next check",
            verb,
            kind,
            name,
            why);
  }
}
