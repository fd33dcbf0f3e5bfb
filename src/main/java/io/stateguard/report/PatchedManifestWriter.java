package io.stateguard.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.stateguard.policy.ObjectRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes the manifests mutations changed ({@code --mutate-output DIR}): one YAML file per object,
 * {@code DIR/<namespace>/<kind>-<name>.yaml} ({@code DIR/statefulset-zk.yaml} without a namespace),
 * headed by a comment naming the object, where it was read and the mutations that changed it. The
 * same object written twice in one run keeps the later manifest, as applying both would.
 *
 * <p>Names come from manifests and may be anything: characters other than letters, digits, {@code
 * .}, {@code -} and {@code _} become {@code _}, and a name that is only dots gets a leading {@code
 * _}, so every file lands inside {@code DIR}. Not thread-safe.
 */
public final class PatchedManifestWriter {

  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private final Path dir;

  public PatchedManifestWriter(Path dir) {
    this.dir = dir;
  }

  /** Writes one manifest; returns the file written. */
  public Path write(PatchedManifest patched) throws IOException {
    Path file = dir.resolve(relativePath(patched.object()));
    Files.createDirectories(file.getParent());
    String header =
        "# "
            + Text.printable(patched.object().toString())
            + " from "
            + Text.printable(patched.source().toString())
            + "\n# changed by stateguard mutations: "
            + String.join(", ", patched.mutations())
            + "\n";
    Files.writeString(
        file, header + YAML.writeValueAsString(patched.manifest()), StandardCharsets.UTF_8);
    return file;
  }

  /** {@code <namespace>/<kind>-<name>.yaml}, every part made safe as a file name. */
  static Path relativePath(ObjectRef ref) {
    String fileName = safe(ref.kind().toLowerCase(Locale.ROOT) + "-" + ref.name()) + ".yaml";
    return ref.namespace().isEmpty() ? Path.of(fileName) : Path.of(safe(ref.namespace()), fileName);
  }

  private static String safe(String part) {
    String cleaned = UNSAFE.matcher(part).replaceAll("_");
    return cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.') ? "_" + cleaned : cleaned;
  }
}
