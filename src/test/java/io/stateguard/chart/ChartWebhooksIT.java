package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stateguard.admission.CertificatesConfig;
import io.stateguard.admission.ServeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two webhook configurations, for every values file: each webhook calls the Service on a route
 * serve has, trusts the certificate the pods serve, never sees kube-system or stateguard's own
 * namespace, and the pod-delete webhooks appear only when asked for, scoped to StatefulSet pods.
 */
class ChartWebhooksIT {

  private static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  /** A webhook of either configuration, reduced to what both kinds share. */
  private record Hook(
      String configuration,
      String name,
      WebhookClientConfig client,
      List<RuleWithOperations> rules,
      String failurePolicy,
      String sideEffects,
      List<String> reviewVersions,
      Integer timeoutSeconds,
      String matchPolicy,
      LabelSelector namespaceSelector,
      LabelSelector objectSelector) {

    static Hook of(ValidatingWebhook w) {
      return new Hook(
          "validating",
          w.getName(),
          w.getClientConfig(),
          w.getRules(),
          w.getFailurePolicy(),
          w.getSideEffects(),
          w.getAdmissionReviewVersions(),
          w.getTimeoutSeconds(),
          w.getMatchPolicy(),
          w.getNamespaceSelector(),
          w.getObjectSelector());
    }

    static Hook of(MutatingWebhook w) {
      return new Hook(
          "mutating",
          w.getName(),
          w.getClientConfig(),
          w.getRules(),
          w.getFailurePolicy(),
          w.getSideEffects(),
          w.getAdmissionReviewVersions(),
          w.getTimeoutSeconds(),
          w.getMatchPolicy(),
          w.getNamespaceSelector(),
          w.getObjectSelector());
    }

    List<String> resources() {
      return rules.stream().flatMap(r -> r.getResources().stream()).distinct().toList();
    }

    List<String> operations() {
      return rules.stream().flatMap(r -> r.getOperations().stream()).distinct().toList();
    }

    boolean aboutPods() {
      return resources().stream().anyMatch(r -> r.startsWith("pods"));
    }

    @Override
    public String toString() {
      return configuration + " webhook " + name;
    }
  }

  private static List<Hook> hooks(Rendered rendered) {
    List<Hook> hooks = new ArrayList<>();
    rendered.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
        .map(Hook::of)
        .forEach(hooks::add);
    rendered.optional(MutatingWebhookConfiguration.class).stream()
        .flatMap(c -> c.getWebhooks().stream())
        .map(Hook::of)
        .forEach(hooks::add);
    return hooks;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyWebhookCallsTheServiceOnARouteServeHas(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    Service service = rendered.one(Service.class);
    ServicePort port = service.getSpec().getPorts().get(0);
    Container container =
        rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);

    // Then the Service port leads to the port serve listens on
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("https");
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("https");
              assertThat(p.getContainerPort()).isEqualTo(8443);
            });
    assertThat(env(container, "STATEGUARD_PORT")).contains("8443");
    assertThat(service.getSpec().getSelector()).isNotEmpty();
    assertThat(rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .as("the pods the Service selects")
        .containsAllEntriesOf(service.getSpec().getSelector());
    // And every webhook calls that Service: validating ones /validate, mutating ones /mutate
    assertThat(hooks(rendered))
        .isNotEmpty()
        .allSatisfy(
            hook -> {
              ServiceReference ref = hook.client().getService();
              assertThat(hook.client().getUrl()).as("%s url", hook).isNull();
              assertThat(ref.getName()).as("%s service", hook).isEqualTo(name(service));
              assertThat(ref.getNamespace()).as("%s namespace", hook).isEqualTo(Chart.NAMESPACE);
              assertThat(ref.getPort()).as("%s port", hook).isEqualTo(port.getPort());
              assertThat(ref.getPath())
                  .as("%s path", hook)
                  .isEqualTo(hook.configuration().equals("validating") ? "/validate" : "/mutate");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyWebhookTrustsTheCertificateThePodsServe(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    String mode = set.at("/certificates/mode").asText();
    String servingSecret = ChartWorkloadIT.certificateSecret(set, rendered);
    String serviceHost = name(rendered.one(Service.class)) + "." + Chart.NAMESPACE + ".svc";
    List<Map<String, String>> annotations =
        Stream.concat(
                Stream.of(rendered.one(ValidatingWebhookConfiguration.class).getMetadata()),
                rendered.optional(MutatingWebhookConfiguration.class).stream()
                    .map(MutatingWebhookConfiguration::getMetadata))
            .map(m -> m.getAnnotations() == null ? Map.<String, String>of() : m.getAnnotations())
            .toList();

    if (mode.equals("certManager")) {
      // Then cert-manager issues the Secret the pods mount, for the name the API server calls,
      // and injects its CA into both configurations
      GenericKubernetesResource certificate =
          rendered.generic("Certificate").stream().findFirst().orElseThrow();
      JsonNode spec = tree(certificate).path("spec");
      assertThat(spec.path("secretName").asText()).isEqualTo(servingSecret);
      assertThat(texts(spec.path("dnsNames"))).contains(serviceHost);
      assertThat(spec.path("privateKey").path("encoding").asText()).isEqualTo("PKCS8");
      assertThat(annotations)
          .allSatisfy(
              a ->
                  assertThat(a)
                      .containsEntry(
                          "cert-manager.io/inject-ca-from",
                          Chart.NAMESPACE + "/" + name(certificate)));
      assertThat(hooks(rendered)).allSatisfy(h -> assertThat(h.client().getCaBundle()).isNull());
      JsonNode issuerRef = spec.path("issuerRef");
      if (set.values().at("/certificates/certManager/issuerRef/name").isMissingNode()) {
        GenericKubernetesResource issuer = rendered.generic("Issuer").get(0);
        assertThat(issuerRef.path("name").asText()).isEqualTo(name(issuer));
        assertThat(tree(issuer).path("spec").has("selfSigned")).isTrue();
      } else {
        assertThat(rendered.generic("Issuer")).isEmpty();
        assertThat(issuerRef.path("name").asText())
            .isEqualTo(set.at("/certificates/certManager/issuerRef/name").asText());
      }
    } else if (mode.equals("self")) {
      // Then serve keeps its certificate for the Service's names and sets the caBundle of the
      // configurations the chart installs: none is rendered, nothing else injects one
      CertificatesConfig self =
          ServeConfig.from(
                  ChartWorkloadIT.serveSettings(
                      ChartWorkloadIT.podSpec(rendered).getContainers().get(0)))
              .certificates();
      assertThat(self.self()).isTrue();
      assertThat(self.service()).isEqualTo(name(rendered.one(Service.class)));
      assertThat(self.namespace()).contains(Chart.NAMESPACE);
      assertThat(self.validatingWebhook())
          .isEqualTo(name(rendered.one(ValidatingWebhookConfiguration.class)));
      assertThat(self.mutatingWebhook())
          .isEqualTo(rendered.optional(MutatingWebhookConfiguration.class).map(c -> name(c)));
      assertThat(servingSecret).isNotEmpty();
      assertThat(rendered.generic("Certificate")).isEmpty();
      assertThat(annotations).allSatisfy(a -> assertThat(a).isEmpty());
      assertThat(hooks(rendered)).allSatisfy(h -> assertThat(h.client().getCaBundle()).isNull());
    } else {
      // Then the pods mount the given Secret and every webhook trusts the given CA
      assertThat(servingSecret).isEqualTo(set.at("/certificates/provided/secretName").asText());
      assertThat(rendered.generic("Certificate")).isEmpty();
      assertThat(annotations).allSatisfy(a -> assertThat(a).isEmpty());
      assertThat(hooks(rendered))
          .allSatisfy(
              h ->
                  assertThat(h.client().getCaBundle())
                      .isEqualTo(set.at("/certificates/provided/caBundle").asText()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyWebhookIsRegisteredTheWayTheApiServerNeedsIt(Chart.ValueSet set) {
    // Given
    List<Hook> hooks = hooks(Chart.render(set));
    List<String> excluded = new ArrayList<>(List.of("kube-system", Chart.NAMESPACE));
    set.at("/webhooks/excludeNamespaces").forEach(n -> excluded.add(n.asText()));

    // Then
    assertThat(hooks.stream().map(Hook::name)).doesNotHaveDuplicates();
    assertThat(hooks)
        .allSatisfy(
            hook -> {
              assertThat(hook.name().split("\\.", -1))
                  .as("%s: a name of at least three dot-separated parts", hook)
                  .hasSizeGreaterThanOrEqualTo(3)
                  .doesNotContain("");
              assertThat(hook.reviewVersions()).as("%s", hook).containsExactly("v1");
              assertThat(hook.timeoutSeconds())
                  .as("%s timeout", hook)
                  .isEqualTo(set.at("/webhooks/timeoutSeconds").asInt());
              assertThat(hook.matchPolicy()).as("%s", hook).isEqualTo("Equivalent");
              assertThat(hook.namespaceSelector().getMatchLabels()).as("%s", hook).isNullOrEmpty();
              assertThat(hook.namespaceSelector().getMatchExpressions())
                  .as("%s namespaceSelector", hook)
                  .containsExactly(
                      new LabelSelectorRequirement(
                          "kubernetes.io/metadata.name", "NotIn", excluded));
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void statefulSetAndPdbWebhooksHaveNoSideEffectsAndTheirOwnFailurePolicy(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    List<Hook> hooks = hooks(rendered).stream().filter(h -> !h.aboutPods()).toList();

    // Then
    Hook validate =
        hooks.stream().filter(h -> h.configuration().equals("validating")).findFirst().get();
    assertThat(validate.resources())
        .containsExactlyInAnyOrder("statefulsets", "statefulsets/scale", "poddisruptionbudgets");
    assertThat(validate.operations()).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    assertThat(validate.rules())
        .as("kubectl scale and autoscalers: only UPDATEs of apps/v1 statefulsets/scale")
        .filteredOn(r -> r.getResources().contains("statefulsets/scale"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("statefulsets/scale");
              assertThat(r.getApiGroups()).containsExactly("apps");
              assertThat(r.getApiVersions()).containsExactly("v1");
              assertThat(r.getOperations()).containsExactly("UPDATE");
              assertThat(r.getScope()).isEqualTo("Namespaced");
            });
    assertThat(validate.rules())
        .as("deletes only of StatefulSets (statefulset-delete-protection), never of PDBs")
        .filteredOn(r -> r.getOperations().contains("DELETE"))
        .singleElement()
        .satisfies(r -> assertThat(r.getResources()).containsExactly("statefulsets"));
    assertThat(validate.failurePolicy())
        .isEqualTo(set.at("/webhooks/validate/failurePolicy").asText());
    assertThat(hooks)
        .allSatisfy(
            h -> {
              assertThat(h.sideEffects()).as("%s", h).isEqualTo("None");
              assertThat(h.objectSelector()).as("%s", h).isNull();
            });

    Optional<MutatingWebhookConfiguration> mutating =
        rendered.optional(MutatingWebhookConfiguration.class);
    if (set.at("/webhooks/mutate/enabled").asBoolean()) {
      MutatingWebhook mutate = mutating.orElseThrow().getWebhooks().get(0);
      assertThat(mutating.get().getWebhooks()).hasSize(1);
      assertThat(Hook.of(mutate).resources()).containsExactly("statefulsets");
      assertThat(Hook.of(mutate).operations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
      assertThat(mutate.getReinvocationPolicy()).isEqualTo("IfNeeded");
      assertThat(mutate.getFailurePolicy())
          .isEqualTo(set.at("/webhooks/mutate/failurePolicy").asText());
    } else {
      assertThat(mutating).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void podDeletesReachStateguardOnlyWhenThePodGuardIsOnAndOnlyForStatefulSetPods(
      Chart.ValueSet set) {
    // Given
    List<Hook> podHooks = hooks(Chart.render(set)).stream().filter(Hook::aboutPods).toList();

    if (!set.at("/podGuard/enabled").asBoolean()) {
      // Then no pod request is sent to a guard that does not run
      assertThat(podHooks).isEmpty();
      return;
    }
    // Then deletes of StatefulSet pods, and evictions, each with the pod guard's failure policy,
    // and with side effects the API server must not cause on dry runs
    assertThat(podHooks).hasSize(2);
    assertThat(podHooks)
        .allSatisfy(
            h -> {
              assertThat(h.configuration()).isEqualTo("validating");
              assertThat(h.sideEffects()).as("%s", h).isEqualTo("NoneOnDryRun");
              assertThat(h.failurePolicy())
                  .as("%s", h)
                  .isEqualTo(set.at("/podGuard/failurePolicy").asText());
            });
    Hook delete = podHooks.stream().filter(h -> h.resources().contains("pods")).findFirst().get();
    assertThat(delete.resources()).containsExactly("pods");
    assertThat(delete.operations()).containsExactly("DELETE");
    assertThat(delete.objectSelector().getMatchExpressions())
        .containsExactly(new LabelSelectorRequirement(POD_NAME_LABEL, "Exists", List.of()));
    Hook eviction =
        podHooks.stream().filter(h -> h.resources().contains("pods/eviction")).findFirst().get();
    assertThat(eviction.resources()).containsExactly("pods/eviction");
    assertThat(eviction.operations()).containsExactly("CREATE");
    // The API server matches an objectSelector against the Eviction, which has no pod labels: a
    // selector would keep every eviction away.
    assertThat(eviction.objectSelector()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void webhookConfigurationsAreInstalledAfterTheDeploymentSoUninstallRemovesThemFirst(
      Chart.ValueSet set) {
    // Given Helm prints objects in install order, and uninstalls in the reverse order of kinds
    Rendered rendered = Chart.render(set);
    int deployment = rendered.position(rendered.one(Deployment.class));

    // Then
    assertThat(rendered.position(rendered.one(ValidatingWebhookConfiguration.class)))
        .isGreaterThan(deployment);
    rendered
        .optional(MutatingWebhookConfiguration.class)
        .ifPresent(m -> assertThat(rendered.position(m)).isGreaterThan(deployment));
  }

  private static Optional<String> env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getValue())
        .findFirst();
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static JsonNode tree(GenericKubernetesResource resource) {
    return JSON.valueToTree(resource);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
