package io.stateguard.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageTagRuleTest {

  private final ImageTagRule rule = new ImageTagRule();

  private static StatefulSet withImage(String container, String image) {
    StatefulSet set = PodTemplates.clean();
    PodTemplates.container(set, container).setImage(image);
    return set;
  }

  @Test
  void acceptsTheCleanSetWhoseInitImageComesFromARegistryWithAPort() {
    assertThat(RuleHarness.check(rule, PodTemplates.clean())).isEmpty();
  }

  @Test
  void deniesAnImageWithoutTag() {
    // Given
    StatefulSet set = withImage("db", "postgres");

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(findings).singleElement();
    Finding f = findings.get(0);
    assertThat(f.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(f.field()).isEqualTo("spec.template.spec.containers[db].image");
    assertThat(f.message())
        .isEqualTo(
            "container db of statefulset data/pg uses image postgres with no tag, which pulls"
                + " :latest: each restart or reschedule may pull a different version, so members"
                + " run mixed versions and a new major version can rewrite the data files without"
                + " an upgrade plan; pin a version tag (postgres:<version>) or a digest"
                + " (postgres@sha256:...)");
  }

  @Test
  void deniesTheLatestTag() {
    assertThat(PodTemplates.messages(RuleHarness.check(rule, withImage("db", "postgres:latest"))))
        .singleElement()
        .asString()
        .contains("uses image postgres:latest, whose tag latest moves:");
  }

  @Test
  void doesNotReadARegistryPortAsATag() {
    List<Finding> findings = RuleHarness.check(rule, withImage("db", "registry.example:5000/pg"));

    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains("uses image registry.example:5000/pg with no tag")
        .contains("pin a version tag (registry.example:5000/pg:<version>)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "registry.example:5000/pg:16.4",
        "localhost:5000/team/pg:16",
        "docker.io/library/postgres:16.4-bookworm",
        "postgres@sha256:4d3a2b6f0c7e9d8a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef01",
        "postgres:latest@sha256:4d3a2b6f0c7e9d8a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef01",
        "registry.example:5000/pg@sha256:4d3a2b6f0c7e9d8a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef"
      })
  void acceptsPinnedImages(String image) {
    assertThat(RuleHarness.check(rule, withImage("db", image))).isEmpty();
  }

  @Test
  void checksInitContainers() {
    List<Finding> findings =
        RuleHarness.check(rule, withImage("init", "registry.example:5000/tools/pg-init:latest"));

    assertThat(PodTemplates.fields(findings))
        .containsExactly("spec.template.spec.initContainers[init].image");
    assertThat(findings.get(0).message()).startsWith("init container init of statefulset data/pg");
  }

  @Test
  void givesAnInitContainerAReasonWithoutDataFiles() {
    // Given: the init container mounts the data volume but only prepares it
    StatefulSet set = withImage("init", "busybox");

    // When
    String message = RuleHarness.check(rule, set).get(0).message();

    // Then: the consequence is a pod that cannot be reproduced or restarted, not rewritten data
    assertThat(message)
        .isEqualTo(
            "init container init of statefulset data/pg uses image busybox with no tag, which"
                + " pulls :latest: each restart or reschedule may pull a different version, so"
                + " members start with different builds of it, no pod can be reproduced exactly,"
                + " and a tag moved to a broken or removed image keeps a member from starting at"
                + " its next restart; pin a version tag (busybox:<version>) or a digest"
                + " (busybox@sha256:...)")
        .doesNotContain("data files");
  }

  @Test
  void givesASidecarWithoutClaimAReasonWithoutDataFiles() {
    // Given: a metrics exporter beside the database, mounting no claim template
    StatefulSet set = PodTemplates.clean();
    Container exporter = new Container();
    exporter.setName("metrics");
    exporter.setImage("oliver006/redis_exporter:latest");
    PodTemplates.pod(set).getContainers().add(exporter);

    // When
    List<Finding> findings = RuleHarness.check(rule, set);

    // Then
    assertThat(PodTemplates.messages(findings))
        .singleElement()
        .asString()
        .contains(
            "so members run different builds of it, no pod can be reproduced exactly, and a tag"
                + " moved to a broken or removed image breaks a member at its next restart;")
        .doesNotContain("data files");
  }

  @Test
  void givesANativeSidecarTheSidecarReason() {
    // Given: an init container with restartPolicy Always runs for the pod's whole life
    StatefulSet set = withImage("init", "registry.example:5000/tools/pg-init:latest");
    PodTemplates.container(set, "init").setRestartPolicy("Always");

    // Then
    assertThat(RuleHarness.check(rule, set).get(0).message())
        .contains("breaks a member at its next restart")
        .doesNotContain("data files");
  }

  @Test
  void forbidsTheTagsThePolicyLists() {
    Map<String, Object> params = Map.of("forbiddenTags", List.of("latest", "stable"));

    assertThat(RuleHarness.check(rule, withImage("db", "postgres:stable"), params)).hasSize(1);
    assertThat(RuleHarness.check(rule, withImage("db", "postgres:stable"))).isEmpty();
  }

  @Test
  void comparesTagsCaseSensitivelyAsRegistriesDo() {
    assertThat(RuleHarness.check(rule, withImage("db", "postgres:Latest"))).isEmpty();
  }

  @Test
  void leavesAContainerWithoutImageToTheApiServer() {
    assertThat(RuleHarness.check(rule, withImage("db", null))).isEmpty();
    assertThat(RuleHarness.check(rule, withImage("db", " "))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "postgres,                          postgres,                   -,      -",
        "postgres:16,                       postgres,                   16,     -",
        "host:5000/pg,                      host:5000/pg,               -,      -",
        "host:5000/pg:16,                   host:5000/pg,               16,     -",
        "host:5000/a/b/pg:1.2-x,            host:5000/a/b/pg,           1.2-x,  -",
        "pg@sha256:ab,                      pg,                         -,      sha256:ab",
        "host:5000/pg:16@sha256:ab,         host:5000/pg,               16,     sha256:ab",
        "pg:,                               pg,                         -,      -"
      })
  void splitsImageReferencesAsTheRuntimeDoes(String image, String name, String tag, String digest) {
    assertThat(ImageTagRule.ImageRef.parse(image))
        .isEqualTo(new ImageTagRule.ImageRef(name, tag, digest));
  }
}
