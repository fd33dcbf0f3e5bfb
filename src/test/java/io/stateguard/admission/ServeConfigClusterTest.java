package io.stateguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.cluster.ClusterSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code --cluster} and {@code --kubeconfig} settings of {@code serve}. */
class ServeConfigClusterTest {

  @Test
  void connectsAutomaticallyByDefault() {
    assertThat(ServeConfig.defaults().cluster()).isEqualTo(ClusterSettings.auto());
    assertThat(ServeConfig.from(Map.of()).cluster().mode()).isEqualTo(ClusterSettings.Mode.AUTO);
  }

  @Test
  void readsTheModeAndTheKubeconfig() {
    ServeConfig config =
        ServeConfig.from(
            Map.of(
                "STATEGUARD_CLUSTER", "on",
                "STATEGUARD_KUBECONFIG", "/etc/kube/prod.yaml"));

    assertThat(config.cluster().mode()).isEqualTo(ClusterSettings.Mode.ON);
    assertThat(config.cluster().kubeconfig()).contains(Path.of("/etc/kube/prod.yaml"));
  }

  @Test
  void offWithoutAKubeconfigIsFine() {
    ServeConfig config = ServeConfig.from(Map.of("STATEGUARD_CLUSTER", "off"));

    assertThat(config.cluster().mode()).isEqualTo(ClusterSettings.Mode.OFF);
    assertThat(config.cluster().kubeconfig()).isEmpty();
  }

  @Test
  void rejectsAKubeconfigWithClusterOffSayingBothSettingsAndWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                ServeConfig.from(
                    Map.of(
                        "STATEGUARD_CLUSTER", "off",
                        "STATEGUARD_KUBECONFIG", "/etc/kube/prod.yaml")))
        .isInstanceOf(ServeConfig.InvalidConfigException.class)
        .hasMessage(
            "STATEGUARD_KUBECONFIG=/etc/kube/prod.yaml (--kubeconfig): contradicts"
                + " STATEGUARD_CLUSTER=off (--cluster); allowed: a kubeconfig with --cluster auto"
                + " or on, or none with off");
  }

  @Test
  void rejectsAModeThatIsNotAutoOnOrOff() {
    assertThatThrownBy(() -> ServeConfig.from(Map.of("STATEGUARD_CLUSTER", "yes")))
        .isInstanceOf(ServeConfig.InvalidConfigException.class)
        .hasMessage(
            "STATEGUARD_CLUSTER=yes (--cluster): not a cluster mode; allowed: auto, on or off");
  }
}
