package io.stateguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stateguard.cluster.ClusterSettings.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@code serve} connects to an API server: {@code --cluster auto|on|off}. */
class ClusterSettingsTest {

  private static final Map<String, String> IN_POD =
      Map.of(ClusterSettings.SERVICE_HOST, "10.96.0.1");
  private static final Map<String, String> OUTSIDE = Map.of("HOME", "/home/dev");

  @TempDir Path dir;

  private Path token() throws IOException {
    return Files.writeString(dir.resolve("token"), "eyJhbGciOi...");
  }

  private Path noToken() {
    return dir.resolve("no-such-token");
  }

  private static ClusterSettings settings(Mode mode, String kubeconfig) {
    return new ClusterSettings(mode, Optional.ofNullable(kubeconfig).map(Path::of));
  }

  @Test
  void autoConnectsInAPodWithAServiceAccount() throws IOException {
    ClusterSettings auto = ClusterSettings.auto();

    assertThat(auto.connects(IN_POD, token())).isTrue();
    assertThat(auto.reason(IN_POD, token())).isEqualTo("running in a pod with a service account");
  }

  @Test
  void autoDoesNotConnectOutsideAPodWithoutAKubeconfig() throws IOException {
    ClusterSettings auto = ClusterSettings.auto();

    assertThat(auto.connects(OUTSIDE, token())).as("a token but no service host").isFalse();
    assertThat(auto.connects(IN_POD, noToken())).as("a service host but no token").isFalse();
    assertThat(auto.connects(Map.of(ClusterSettings.SERVICE_HOST, " "), token()))
        .as("a blank service host")
        .isFalse();
    assertThat(auto.reason(OUTSIDE, noToken()))
        .isEqualTo("--cluster auto, no --kubeconfig and not running in a pod");
  }

  @Test
  void autoConnectsWhenAKubeconfigIsNamedEvenOutsideAPod() {
    ClusterSettings named = settings(Mode.AUTO, "/etc/kube/prod.yaml");

    assertThat(named.connects(OUTSIDE, noToken())).isTrue();
    assertThat(named.reason(OUTSIDE, noToken())).isEqualTo("--kubeconfig /etc/kube/prod.yaml");
  }

  @Test
  void onAlwaysConnectsAndOffNever() throws IOException {
    assertThat(settings(Mode.ON, null).connects(OUTSIDE, noToken())).isTrue();
    assertThat(settings(Mode.ON, null).reason(OUTSIDE, noToken())).isEqualTo("--cluster on");
    assertThat(settings(Mode.OFF, null).connects(IN_POD, token()))
        .as("off even in a pod with a service account")
        .isFalse();
    assertThat(settings(Mode.OFF, null).reason(IN_POD, token())).isEqualTo("--cluster off");
  }

  @Test
  void parsesTheModesAsWrittenOnTheCommandLine() {
    assertThat(Mode.parse("auto")).isEqualTo(Mode.AUTO);
    assertThat(Mode.parse("on")).isEqualTo(Mode.ON);
    assertThat(Mode.parse("off")).isEqualTo(Mode.OFF);
    assertThat(Mode.ON.id()).isEqualTo("on");
    assertThatThrownBy(() -> Mode.parse("ON")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Mode.parse("yes")).hasMessage("not a cluster mode");
  }
}
