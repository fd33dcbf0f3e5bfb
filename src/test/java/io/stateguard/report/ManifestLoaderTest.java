package io.stateguard.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {

  private final ManifestLoader loader = new ManifestLoader("default");

  @TempDir Path tmp;

  // --- what loads ------------------------------------------------------------------------------

  @Test
  void loadsEveryDocumentOfAMultiDocumentFileAtTheLineItsObjectStarts() {
    String file = resource("multi.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded))
        .containsExactly(
            "service data/zk-hs @ " + file + ":3",
            "statefulset data/zk @ " + file + ":17",
            "pdb default/zk-pdb @ " + file + ":37");
  }

  @Test
  void recordsTheChartTemplateOfHelmRenderedOutput() {
    String file = resource("helm/rendered.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.manifests())
        .extracting(Manifest::source)
        .containsExactly(
            new SourceLocation(file, 3, "zookeeper/templates/pdb.yaml"),
            new SourceLocation(file, 16, "zookeeper/templates/svc-headless.yaml"),
            new SourceLocation(file, 41, "zookeeper/templates/statefulset.yaml"));
    assertThat(loaded.manifests().get(2).source())
        .hasToString(file + ":41 (zookeeper/templates/statefulset.yaml)");
    // The ConfigMap whose script prints "---" is one document, skipped by kind.
    assertThat(loaded.skipped()).isEqualTo(Map.of("ConfigMap", 1));
  }

  @Test
  void flattensAListGivingEachItemItsOwnLine() {
    String file = resource("list.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded))
        .containsExactly(
            "statefulset cache/redis @ " + file + ":6",
            "storageclass fast @ " + file + ":23",
            "service cache/redis @ " + file + ":28");
    assertThat(loaded.skipped()).isEqualTo(Map.of("ConfigMap", 1));
  }

  @Test
  void readsJsonObjectStreamsAndJsonLists() {
    String stream = resource("stream.json");
    String list = resource("list.json");

    Loaded loaded = loader.load(List.of(stream, list), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded))
        .containsExactly(
            "service db/pg @ " + stream + ":1",
            "pdb default/pg @ " + stream + ":7",
            "pod db/pg-0 @ " + list + ":5");
    assertThat(loaded.skipped()).isEqualTo(Map.of("Secret", 1));
  }

  @Test
  void readsObjectsAsTheApiServerReturnsThemWithManagedFieldsAndStatus() {
    // kubectl get -o json of objects a real API server stored
    String file = resource("kubectl-get.json");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded))
        .containsExactly(
            "statefulset demo/web @ " + file + ":8",
            "pdb demo/web @ " + file + ":168",
            "pod demo/web-0 @ " + file + ":217");
  }

  @Test
  void walksDirectoriesInNameOrderPassingOverHiddenEntriesAndOtherFiles() {
    String dir = resource("dir");

    Loaded loaded = loader.load(List.of(dir), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded))
        .containsExactly(
            "service default/a @ " + Path.of(dir, "a.yaml") + ":1",
            "service default/b @ " + Path.of(dir, "sub", "b.yml") + ":1",
            "service default/c @ " + Path.of(dir, "sub", "c.json") + ":1");
  }

  @Test
  void readsStandardInputAsDash() {
    InputStream stdin = utf8("apiVersion: v1\nkind: Service\nmetadata:\n  name: from-stdin\n");

    Loaded loaded = loader.load(List.of("-"), stdin);

    assertThat(loaded.problems()).isEmpty();
    assertThat(located(loaded)).containsExactly("service default/from-stdin @ -:1");
  }

  @Test
  void readsStandardInputOnlyOnce() {
    InputStream stdin = utf8("apiVersion: v1\nkind: Service\nmetadata:\n  name: once\n");

    Loaded loaded = loader.load(List.of("-", "-"), stdin);

    assertThat(loaded.manifests()).hasSize(1);
    assertThat(loaded.problems())
        .containsExactly(problem("-", 0, "standard input was already read; give - once"));
  }

  @Test
  void givesNamespacedObjectsTheDefaultNamespaceButNotClusterWideOnes() {
    ManifestLoader teamA = new ManifestLoader("team-a");
    InputStream stdin =
        utf8(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: elsewhere, namespace: other}
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast, namespace: ignored}
            provisioner: ebs.csi.aws.com
            """);

    Loaded loaded = teamA.load(List.of("-"), stdin);

    assertThat(loaded.manifests())
        .extracting(m -> m.object().getMetadata().getNamespace())
        .containsExactly("team-a", "other", null);
  }

  @Test
  void appliesTheApiServerDefaults() {
    Loaded loaded = loader.load(List.of(resource("multi.yaml")), null);

    StatefulSet set = (StatefulSet) loaded.manifests().get(1).object();
    assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
    assertThat(set.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    assertThat(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(30L);
  }

  @Test
  void resolvesYamlAnchorsAliasesAndMergeKeys() {
    Loaded loaded = loader.load(List.of(resource("aliases.yaml")), null);

    assertThat(loaded.problems()).isEmpty();
    StatefulSet set = (StatefulSet) loaded.manifests().get(0).object();
    assertThat(set.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("app", "zk", "tier", "data"));
    assertThat(set.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(Map.of("app", "zk", "tier", "data", "extra", "yes"));
  }

  @Test
  void readsUtf8WithAByteOrderMarkAndUtf16() throws IOException {
    String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: café\n";
    Path bom = tmp.resolve("bom.yaml");
    Files.write(bom, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, yaml, "UTF-8"));
    Path utf16 = tmp.resolve("utf16.yaml");
    Files.write(utf16, concat(new byte[] {(byte) 0xff, (byte) 0xfe}, yaml, "UTF-16LE"));

    Loaded loaded = loader.load(List.of(bom.toString(), utf16.toString()), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.manifests())
        .extracting(m -> m.object().getMetadata().getName())
        .containsExactly("café", "café");
  }

  @Test
  void countsLinesOfWindowsLineEndings() throws IOException {
    Path crlf = tmp.resolve("crlf.yaml");
    Files.writeString(
        crlf,
        "# first\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n---\r\n"
            + "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: b\r\n");

    Loaded loaded = loader.load(List.of(crlf.toString()), null);

    assertThat(loaded.manifests()).extracting(m -> m.source().line()).containsExactly(2, 7);
  }

  @Test
  void readsADocumentLargerThanTheYamlReadersOwnDefaultLimit() throws IOException {
    // The YAML reader refuses documents over 3 MiB unless told otherwise; a List exported from a
    // busy namespace is easily bigger.
    Path big = tmp.resolve("export.yaml");
    int items = 0;
    try (Writer out = Files.newBufferedWriter(big)) {
      out.write("apiVersion: v1\nkind: List\nitems:\n");
      while (Files.size(big) < 4L * 1024 * 1024) {
        for (int i = 0; i < 500; i++, items++) {
          out.write(
              "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm-"
                  + items
                  + "}\n    data: {key: \""
                  + "x".repeat(64)
                  + "\"}\n");
        }
        out.flush();
      }
    }

    Loaded loaded = loader.load(List.of(big.toString()), null);

    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.skipped()).isEqualTo(Map.of("ConfigMap", items));
  }

  // --- bad input: a problem with file and line, the rest still loaded ---------------------------

  @Test
  void reportsInvalidYamlAndStillLoadsTheDocumentsAroundIt() {
    String file = resource("bad/mixed.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(located(loaded))
        .containsExactly(
            "service default/before @ " + file + ":1", "service default/after @ " + file + ":12");
    assertThat(loaded.problems())
        .containsExactly(
            problem(
                file,
                10,
                "invalid YAML: expected ',' or ']', but got } (while parsing a flow sequence)"));
  }

  @Test
  void reportsTabIndentationAsInvalidYaml() throws IOException {
    Path tabs = tmp.resolve("tabs.yaml");
    Files.writeString(tabs, "apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n");

    Loaded loaded = loader.load(List.of(tabs.toString()), null);

    assertThat(loaded.problems()).hasSize(1);
    LoadProblem p = loaded.problems().get(0);
    assertThat(p.source()).isEqualTo(new SourceLocation(tabs.toString(), 4));
    assertThat(p.message())
        .isEqualTo("invalid YAML: a tab where YAML allows none: indent with spaces");
  }

  @Test
  void reportsDocumentsThatAreNotKubernetesObjects() {
    String file = resource("bad/not-objects.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    String notObject = ", not a Kubernetes object (a mapping with apiVersion, kind and metadata)";
    assertThat(loaded.manifests()).isEmpty();
    assertThat(loaded.problems())
        .containsExactly(
            problem(file, 1, "the document is the string \"just a sentence\"" + notObject),
            problem(file, 3, "the document is a list" + notObject),
            problem(file, 6, "the document is the value 42" + notObject),
            problem(file, 8, "the document has no apiVersion and no kind: not a Kubernetes object"),
            problem(file, 11, "the document has no kind: every Kubernetes object needs one"),
            problem(file, 15, "the document has no apiVersion: every Kubernetes object needs one"),
            problem(file, 19, "apiVersion must be a string, got the number 1"));
  }

  @Test
  void reportsObjectsWithoutAName() {
    String file = resource("bad/no-name.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(file, 1, "StatefulSet has no metadata.name: every object needs a name"),
            problem(
                file,
                7,
                "Pod has only metadata.generateName: give it a metadata.name so it can be checked"));
    // Kinds stateguard does not read are only counted, whatever their shape.
    assertThat(loaded.skipped()).isEqualTo(Map.of("ConfigMap", 1));
  }

  @Test
  void reportsFieldsOfTheWrongTypeAtTheirOwnLineByTheirFieldPath() {
    String file = resource("bad/wrong-types.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.manifests()).isEmpty();
    assertThat(loaded.problems())
        .containsExactly(
            problem(
                file,
                7,
                "statefulset data/zk: spec.replicas: expected an integer, got the string \"three\""),
            problem(
                file,
                15,
                "statefulset default/kafka: metadata.labels.version: expected a string,"
                    + " got the number 3.7"),
            problem(
                file,
                24,
                "statefulset default/etcd: spec.template.spec.containers: expected a list,"
                    + " got a mapping"),
            problem(
                file,
                40,
                "statefulset default/pg: spec.volumeClaimTemplates[0].spec.resources.requests"
                    + ".storage: the string \"lots\" is not a quantity (a number with an optional"
                    + " suffix: 500m, 2, 1Gi, 10G)"),
            problem(
                file,
                47,
                "service default/redis: unknown field spec.selectr"
                    + " (the API server rejects unknown fields)"),
            problem(
                file,
                50,
                "service default/redis: unknown field spec.ports[0].protocl"
                    + " (the API server rejects unknown fields)"),
            problem(
                file,
                61,
                "pod default/web-0: spec.containers[0].ports[0].containerPort: expected an integer,"
                    + " got the number 8080.5"));
  }

  @Test
  void saysNothingOfJavaInItsMessages() {
    Loaded loaded =
        loader.load(List.of(resource("bad/wrong-types.yaml"), resource("bad/mixed.yaml")), null);

    assertThat(loaded.problems())
        .extracting(LoadProblem::message)
        .allSatisfy(
            m ->
                assertThat(m)
                    .doesNotContain("reference chain", "java.", "fabric8", "`", "Exception", "\n"));
  }

  @Test
  void reportsAFieldGivenTwice() {
    String file = resource("bad/duplicate.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.manifests()).isEmpty();
    assertThat(loaded.problems())
        .containsExactly(problem(file, 7, "field spec.type is given twice"));
  }

  @Test
  void reportsRetiredApiVersionsAndSkipsSameNamedKindsOfOtherGroups() {
    String file = resource("bad/versions.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(
                file,
                1,
                "pdb default/zk-pdb: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes"
                    + " 1.25: use apiVersion policy/v1 (note: under policy/v1 an empty selector"
                    + " selects every pod in the namespace)"),
            problem(
                file,
                8,
                "statefulset default/old-zk: apps/v1beta2 StatefulSet was removed in Kubernetes"
                    + " 1.16: use apiVersion apps/v1"),
            problem(
                file,
                18,
                "statefulset default/core-zk: apiVersion v1 has no kind StatefulSet:"
                    + " use apiVersion apps/v1"));
    assertThat(loaded.skipped()).isEqualTo(Map.of("apps.kruise.io/v1beta1 StatefulSet", 1));
  }

  @Test
  void reportsFilesWithoutObjects() {
    String empty = resource("bad/empty.yaml");
    String comments = resource("bad/comments-only.yaml");

    Loaded loaded = loader.load(List.of(empty, comments), null);

    String none = "no Kubernetes objects (the input is empty or holds only comments)";
    assertThat(loaded.problems())
        .containsExactly(problem(empty, 0, none), problem(comments, 0, none));
  }

  @Test
  void reportsNullListItemsAndComplexKeys() throws IOException {
    Path odd = tmp.resolve("odd.yaml");
    Files.writeString(
        odd,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - null
            - {name: a, image: a}
        ---
        apiVersion: v1
        kind: List
        items: [null]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: s
          labels:
            ? [complex, key]
            : value
        """);

    Loaded loaded = loader.load(List.of(odd.toString()), null);

    String file = odd.toString();
    assertThat(loaded.manifests()).isEmpty();
    assertThat(loaded.problems())
        .containsExactly(
            problem(file, 6, "pod default/p: spec.containers[0]: a list item is null"),
            problem(
                file,
                11,
                "items[0] is null, not a Kubernetes object (a mapping with apiVersion, kind and"
                    + " metadata)"),
            problem(
                file,
                18,
                "invalid YAML: a mapping key must be a plain value, not a list or a mapping"));
  }

  @Test
  void reportsNestingTooDeepToRead() throws IOException {
    Path deep = tmp.resolve("deep.yaml");
    Files.writeString(
        deep,
        "apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec:\n  x: "
            + "[".repeat(5000)
            + "]".repeat(5000)
            + "\n");

    Loaded loaded = loader.load(List.of(deep.toString()), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(
                deep.toString(),
                1,
                "too large or too deeply nested to read: Document nesting depth (1001) exceeds"
                    + " the maximum allowed (1000)"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void refusesAnAliasBomb() {
    String file = resource("bad/alias-bomb.yaml");

    Loaded loaded = loader.load(List.of(file), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(
                file,
                12,
                "YAML aliases expand to more than 1000000 values; refusing to read further"
                    + " (an alias bomb?)"));
  }

  @Test
  void reportsInvalidJsonAndKeepsTheValuesBeforeIt() throws IOException {
    Path json = tmp.resolve("broken.json");
    Files.writeString(
        json,
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"ok\"}}\n"
            + "{\"apiVersion\": \"v1\",\n \"kind\": \"Service\" \"metadata\": {}}\n");

    Loaded loaded = loader.load(List.of(json.toString()), null);

    assertThat(located(loaded)).containsExactly("service default/ok @ " + json + ":1");
    assertThat(loaded.problems()).hasSize(1);
    assertThat(loaded.problems().get(0).source()).isEqualTo(new SourceLocation(json.toString(), 3));
    assertThat(loaded.problems().get(0).message())
        .startsWith("invalid JSON: Unexpected character ('\"')");
  }

  @Test
  void reportsBinaryData() throws IOException {
    Path binary = tmp.resolve("image.yaml");
    Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});

    Loaded loaded = loader.load(List.of(binary.toString()), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(
                binary.toString(),
                0,
                "binary data (it contains NUL bytes), not a YAML or JSON manifest"));
  }

  @Test
  void reportsTextThatIsNotUtf8AtItsLineAndKeepsTheDocumentsBefore() throws IOException {
    Path latin1 = tmp.resolve("latin1.yaml");
    Files.write(
        latin1,
        ("apiVersion: v1\nkind: Service\nmetadata: {name: first}\n---\n"
                + "apiVersion: v1\nkind: Service\nmetadata: {name: caf\u00e9}\n")
            .getBytes(StandardCharsets.ISO_8859_1));

    Loaded loaded = loader.load(List.of(latin1.toString()), null);

    assertThat(located(loaded)).containsExactly("service default/first @ " + latin1 + ":1");
    assertThat(loaded.problems())
        .containsExactly(
            problem(
                latin1.toString(),
                7,
                "not UTF-8 text (binary data, or another encoding): save it as UTF-8"));
  }

  @Test
  void reportsPathsThatCannotBeRead() throws IOException {
    Path missing = tmp.resolve("missing.yaml");
    Path loop = tmp.resolve("loop.yaml");
    Files.createSymbolicLink(loop, loop);
    Path emptyDir = Files.createDirectory(tmp.resolve("empty"));

    Loaded loaded =
        loader.load(List.of(missing.toString(), loop.toString(), emptyDir.toString()), null);

    assertThat(loaded.problems())
        .containsExactly(
            problem(missing.toString(), 0, "no such file or directory"),
            problem(loop.toString(), 0, "broken symbolic link"),
            problem(emptyDir.toString(), 0, "directory holds no .yaml, .yml or .json files"));
  }

  @Test
  void reportsAFileWithoutReadPermission() throws IOException {
    Path secret = tmp.resolve("secret.yaml");
    Files.writeString(secret, "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    assumeThat(Files.isReadable(secret)).as("permissions apply (not running as root)").isFalse();

    Loaded loaded = loader.load(List.of(secret.toString()), null);

    assertThat(loaded.problems())
        .containsExactly(problem(secret.toString(), 0, "permission denied"));
  }

  @Test
  void keepsLoadingOtherInputsAfterOneFails() {
    String good = resource("multi.yaml");

    Loaded loaded =
        loader.load(List.of(resource("bad/empty.yaml"), "no/such/file.yaml", good), null);

    assertThat(loaded.problems()).hasSize(2);
    assertThat(loaded.manifests()).hasSize(3);
  }

  // --- size ------------------------------------------------------------------------------------

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesAFileOverTheSizeLimitWithoutReadingIt() throws IOException {
    // Given a 50 MB file of realistic manifests
    Path huge = tmp.resolve("huge.yaml");
    String doc =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: \""
            + "x".repeat(400)
            + "\"\n---\n";
    try (Writer out = Files.newBufferedWriter(huge)) {
      for (long written = 0; written < 50L * 1000 * 1000; written += doc.length()) {
        out.write(doc);
      }
    }

    // When
    Loaded loaded = loader.load(List.of(huge.toString(), resource("multi.yaml")), null);

    // Then
    assertThat(loaded.problems())
        .containsExactly(
            problem(
                huge.toString(),
                0,
                "input is 47.7 MiB, over the 32 MiB limit for one input: split it into smaller"
                    + " files"));
    assertThat(loaded.manifests()).hasSize(3);
    assertThat(loaded.skipped()).isEmpty();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void stopsReadingStandardInputAtTheSizeLimitAndDropsWhatItRead() {
    // Given a standard input of 50 MB, produced as it is read, and a 1 MiB limit
    CountingManifests stdin = new CountingManifests(50L * 1000 * 1000);
    ManifestLoader small = new ManifestLoader("default", 1024 * 1024);

    // When
    Loaded loaded = small.load(List.of("-"), stdin);

    // Then
    assertThat(loaded.problems())
        .containsExactly(
            problem(
                "-",
                0,
                "input is over the 1 MiB limit for one input: split it into smaller files"));
    assertThat(loaded.manifests()).isEmpty();
    assertThat(stdin.served).as("bytes read from stdin").isLessThan(2L * 1024 * 1024);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Each manifest as {@code statefulset data/zk @ file:line}. */
  private static List<String> located(Loaded loaded) {
    return loaded.manifests().stream().map(m -> ref(m.object()) + " @ " + m.source()).toList();
  }

  private static String ref(HasMetadata object) {
    return ObjectRef.of(object).toString();
  }

  private static LoadProblem problem(String file, int line, String message) {
    return new LoadProblem(new SourceLocation(file, line), message);
  }

  private static InputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] prefix, String text, String charset) {
    byte[] body = text.getBytes(java.nio.charset.Charset.forName(charset));
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  private static String resource(String name) {
    try {
      return Path.of(ManifestLoaderTest.class.getResource("/ManifestLoaderTest/" + name).toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An endless-looking stream of Service manifests that counts the bytes it serves. */
  private static final class CountingManifests extends InputStream {
    private static final byte[] DOC =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n"
            .getBytes(StandardCharsets.UTF_8);
    private final long size;
    long served;

    CountingManifests(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (served >= size) {
        return -1;
      }
      return DOC[(int) (served++ % DOC.length)];
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (served >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - served);
      for (int i = 0; i < n; i++) {
        b[off + i] = DOC[(int) (served++ % DOC.length)];
      }
      return n;
    }
  }
}
