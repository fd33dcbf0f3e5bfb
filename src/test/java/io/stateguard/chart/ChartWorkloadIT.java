package io.stateguard.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stateguard.admission.ServeConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stateguard's own pods, for every values file: hardened, spread, covered by their own budget,
 * probed on serve's real routes over HTTPS, given time to drain, and started with configuration
 * serve accepts.
 */
class ChartWorkloadIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Chart.ValueSet> valueSets() {
    return Chart.valueSets();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void podsRunHardened(Chart.ValueSet set) {
    // Given
    PodSpec pod = podSpec(Chart.render(set));
    Container container = pod.getContainers().get(0);
    SecurityContext security = container.getSecurityContext();

    // Then
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    // The root filesystem is read-only: /tmp is a volume of its own
    assertThat(mount(container, "/tmp")).isNotNull();
    assertThat(volume(pod, mount(container, "/tmp").getName()).getEmptyDir()).isNotNull();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void probesCheckServesHealthAndReadinessRoutesOverHttps(Chart.ValueSet set) {
    // Given
    Container container = podSpec(Chart.render(set)).getContainers().get(0);

    // Then (ChartServeIT asks a running serve for these paths)
    assertHttpsGet(container.getLivenessProbe(), "/healthz");
    assertHttpsGet(container.getStartupProbe(), "/healthz");
    assertHttpsGet(container.getReadinessProbe(), "/readyz");
  }

  private static void assertHttpsGet(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("https");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void replicasAreSpreadAndCoveredByTheirOwnBudget(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    Deployment deployment = rendered.one(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    // Then
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(set.at("/replicaCount").asInt());
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .as("a new replica is ready before an old one goes")
        .isZero();
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    String antiAffinity = set.at("/podAntiAffinity").asText();
    if (!set.at("/affinity").isEmpty()) {
      // A given affinity replaces the generated one, as given
      assertThat((JsonNode) JSON.valueToTree(pod.getAffinity())).isEqualTo(set.at("/affinity"));
    } else if (antiAffinity.equals("none")) {
      assertThat(pod.getAffinity()).isNull();
    } else {
      var antiAffinityTerms = pod.getAffinity().getPodAntiAffinity();
      var terms =
          antiAffinity.equals("hard")
              ? antiAffinityTerms.getRequiredDuringSchedulingIgnoredDuringExecution()
              : antiAffinityTerms.getPreferredDuringSchedulingIgnoredDuringExecution().stream()
                  .map(w -> w.getPodAffinityTerm())
                  .toList();
      assertThat(terms)
          .as("%s anti-affinity", antiAffinity)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(podLabels).containsAllEntriesOf(t.getLabelSelector().getMatchLabels());
              });
    }
    PodDisruptionBudget budget = rendered.one(PodDisruptionBudget.class);
    assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    assertThat(budget.getSpec().getMinAvailable()).isNull();
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isPositive();
    String priority = set.at("/priorityClassName").asText();
    assertThat(pod.getPriorityClassName()).isEqualTo(priority.isEmpty() ? null : priority);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void podsGetLongerToStopThanServeTakesToDrain(Chart.ValueSet set) {
    // Given
    PodSpec pod = podSpec(Chart.render(set));
    ServeConfig config = ServeConfig.from(serveSettings(pod.getContainers().get(0)));
    List<String> preStop =
        pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand();

    // Then the kubelet waits for the preStop sleep, serve's drain (and the 5 s its server may
    // take beyond it to stop), and with Kafka the audit stream's close (its timeout and 1 s for
    // the producer), before it kills
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    long drain = Long.parseLong(preStop.get(1)) + config.shutdownGrace().toSeconds() + 5;
    if (config.audit().kafka().isPresent()) {
      drain += config.audit().closeTimeout().toSeconds() + 1;
    }
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(drain);
    assertThat(config.shutdownGrace().toSeconds())
        .isEqualTo(set.at("/serve/shutdownGraceSeconds").asLong());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void serveAcceptsTheConfigurationThePodsStartWith(Chart.ValueSet set) {
    // Given
    Rendered rendered = Chart.render(set);
    PodSpec pod = podSpec(rendered);
    Container container = pod.getContainers().get(0);
    Map<String, String> settings = serveSettings(container);

    // When / Then: every STATEGUARD_* value passes serve's own checks
    assertThatCode(() -> ServeConfig.from(settings))
        .as("ServeConfig.from(%s)", settings)
        .doesNotThrowAnyException();
    ServeConfig config = ServeConfig.from(settings);
    assertThat(container.getArgs()).containsExactly("serve");
    assertThat(config.port()).isEqualTo(8443);
    assertThat(config.logFormat().id()).isEqualTo(set.at("/serve/logFormat").asText());
    // And the files it is told to read are where the volumes are mounted
    VolumeMount tls = mount(container, "/etc/stateguard/tls");
    if (config.certificates().self()) {
      // stateguard writes the files it serves into a writable folder of the pod's own
      assertThat(volume(pod, tls.getName()).getEmptyDir()).isNotNull();
      assertThat(tls.getReadOnly()).isNotEqualTo(Boolean.TRUE);
      assertThat(config.tlsCert()).isEmpty();
      assertThat(config.certificates().dir().toString()).isEqualTo(tls.getMountPath());
      assertThat(config.certificates().namespace()).contains(Chart.NAMESPACE);
    } else {
      assertThat(volume(pod, tls.getName()).getSecret()).isNotNull();
      assertThat(config.tlsCert().orElseThrow().toString())
          .isEqualTo(tls.getMountPath() + "/tls.crt");
      assertThat(config.tlsKey().orElseThrow().toString())
          .isEqualTo(tls.getMountPath() + "/tls.key");
    }
    VolumeMount policies = mount(container, "/etc/stateguard/policies");
    assertThat(config.policies().orElseThrow().toString()).isEqualTo(policies.getMountPath());
    assertThat(volume(pod, policies.getName()).getConfigMap().getName())
        .isEqualTo(rendered.one(ConfigMap.class).getMetadata().getName());
    assertThat(pod.getServiceAccountName()).isEqualTo(expectedServiceAccount(set, rendered));
    assertThat(container.getImage()).isEqualTo(expectedImage(set));
  }

  /** The Secret holding the serving certificate: mounted, or (self) named to serve. */
  static String certificateSecret(Chart.ValueSet set, Rendered rendered) {
    PodSpec pod = podSpec(rendered);
    if (set.at("/certificates/mode").asText().equals("self")) {
      return ServeConfig.from(serveSettings(pod.getContainers().get(0)))
          .certificates()
          .secretName();
    }
    return volume(pod, "tls").getSecret().getSecretName();
  }

  private static String expectedServiceAccount(Chart.ValueSet set, Rendered rendered) {
    String name = rendered.one(ServiceAccount.class).getMetadata().getName();
    String given = set.at("/serviceAccount/name").asText();
    assertThat(name).isEqualTo(given.isEmpty() ? name : given);
    return name;
  }

  private static String expectedImage(Chart.ValueSet set) {
    String repository = set.at("/image/repository").asText();
    String digest = set.at("/image/digest").asText();
    String tag = set.at("/image/tag").asText();
    if (!digest.isEmpty()) {
      return repository + "@" + digest;
    }
    return repository + ":" + (tag.isEmpty() ? appVersion() : tag);
  }

  private static String appVersion() {
    JsonNode chart = Chart.read(Chart.DIR.resolve("Chart.yaml"));
    return chart.path("appVersion").asText();
  }

  /**
   * What serve reads of the container's environment: its STATEGUARD_* variables, as the kubelet
   * resolves them, with placeholder text for values from Secrets.
   */
  static Map<String, String> serveSettings(Container container) {
    Map<String, String> settings = new LinkedHashMap<>();
    PodEnv.of(container, PodEnv::placeholder)
        .forEach(
            (name, value) -> {
              if (name.startsWith(ServeConfig.PREFIX)) {
                settings.put(name, value);
              }
            });
    return settings;
  }

  static PodSpec podSpec(Rendered rendered) {
    return rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
  }

  static VolumeMount mount(Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing is mounted at " + path));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
