package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.stateguard.policy.ObjectRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchedManifestWriterTest {

  private static StatefulSet set(String namespace, String name) {
    return new StatefulSetBuilder()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("version", "1.10")
        .addToAnnotations("enabled", "true")
        .addToAnnotations("stateguard.io/mutated", "anti-affinity")
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .endSpec()
        .build();
  }

  @Test
  void writesOneFilePerObjectUnderItsNamespaceThatReadsBackAsTheObject(@TempDir Path dir)
      throws Exception {
    // Given a patched manifest
    StatefulSet set = set("data", "zk");
    PatchedManifest patched =
        new PatchedManifest(
            ObjectRef.of(set),
            new SourceLocation("k8s/zk.yaml", 12),
            set,
            List.of("anti-affinity"));

    // When it is written
    Path file = new PatchedManifestWriter(dir).write(patched);

    // Then it is DIR/<namespace>/<kind>-<name>.yaml, headed by where it came from, and its YAML
    // is the object, strings that look like numbers or booleans included
    assertThat(file).isEqualTo(dir.resolve("data/statefulset-zk.yaml"));
    String text = Files.readString(file);
    assertThat(text)
        .startsWith(
            "# statefulset data/zk from k8s/zk.yaml:12\n"
                + "# changed by stateguard mutations: anti-affinity\n"
                + "apiVersion: apps/v1\n");
    JsonNode read = new YAMLMapper().readTree(text);
    JsonNode expected = new ObjectMapper().valueToTree(set);
    assertThat(read).isEqualTo(expected);
  }

  @Test
  void keepsEveryFileInsideTheFolderWhateverTheNames() {
    assertThat(
            PatchedManifestWriter.relativePath(
                new ObjectRef("apps/v1", "StatefulSet", "..", "../../etc/passwd")))
        .isEqualTo(Path.of("_..", "statefulset-.._.._etc_passwd.yaml"));
    assertThat(
            PatchedManifestWriter.relativePath(new ObjectRef("apps/v1", "StatefulSet", "", "zk")))
        .isEqualTo(Path.of("statefulset-zk.yaml"));
  }
}
