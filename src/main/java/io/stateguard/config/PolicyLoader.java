package io.stateguard.config;

import io.stateguard.policy.MutationInfo;
import io.stateguard.policy.Policy;
import io.stateguard.policy.RuleInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads and validates policy files ({@code kind: StatefulPolicy}) strictly: an unknown field, a
 * value of the wrong type, an unknown rule, mutation, mode, parameter or workload class, a
 * parameter value out of its range or list, a malformed name or pattern, a policy name used twice,
 * an empty file or invalid YAML is an error naming the file, the line and column, and the field.
 * All problems of a load are reported together, in a {@link PolicyException}; nothing is loaded
 * unless every file is good.
 *
 * <p>A directory is read one level deep: its {@code *.yaml}, {@code *.yml} and {@code *.json}
 * files, sorted by name, skipping names that start with a dot. Not recursing matters where policies
 * are mounted from a ConfigMap: Kubernetes puts the real files in hidden {@code ..data} directories
 * next to links to them, and reading both would define every policy twice.
 *
 * <p>Stateless and thread-safe; does blocking file I/O.
 */
public final class PolicyLoader {

  private PolicyLoader() {}

  /**
   * Loads one policy file, or every policy file of a directory, whose policies may configure {@code
   * rules} and no mutation.
   *
   * @param rules the rules policies may configure (their ids, parameters and parameter types)
   * @throws PolicyException with every problem found
   * @throws IllegalArgumentException when {@code rules} has two rules with one id, or a parameter
   *     named {@code mode}
   */
  public static LoadedPolicies load(Path fileOrDir, List<RuleInfo> rules) throws PolicyException {
    return load(fileOrDir, rules, List.of());
  }

  /**
   * Loads one policy file, or every policy file of a directory, whose policies may configure {@code
   * rules} and {@code mutations}.
   *
   * @throws PolicyException with every problem found
   * @throws IllegalArgumentException when two rules or two mutations share an id, or one has a
   *     parameter named {@code mode}
   */
  public static LoadedPolicies load(
      Path fileOrDir, List<RuleInfo> rules, List<MutationInfo> mutations) throws PolicyException {
    Catalogs catalog = new Catalogs(RuleCatalog.of(rules), MutationCatalog.of(mutations));
    String where = fileOrDir.toString();
    if (Files.isDirectory(fileOrDir)) {
      List<Path> files;
      try (Stream<Path> listing = Files.list(fileOrDir)) {
        files = listing.filter(PolicyLoader::isPolicyFile).sorted().toList();
      } catch (IOException e) {
        throw single(where, "cannot list the directory: " + reason(e));
      }
      if (files.isEmpty()) {
        throw single(where, "no policy files (*.yaml, *.yml, *.json) in this directory");
      }
      return load(files, catalog);
    }
    if (!Files.exists(fileOrDir)) {
      throw single(where, "no such file or directory");
    }
    return load(List.of(fileOrDir), catalog);
  }

  /**
   * Loads the policies of one text, as if read from a file named {@code sourceName} (its name says
   * whether it is JSON, {@code .json}, or YAML, anything else).
   *
   * @throws PolicyException with every problem found
   */
  public static LoadedPolicies load(String sourceName, String content, List<RuleInfo> rules)
      throws PolicyException {
    return load(sourceName, content, rules, List.of());
  }

  /**
   * Loads the policies of one text, which may configure {@code rules} and {@code mutations}, as if
   * read from a file named {@code sourceName}.
   *
   * @throws PolicyException with every problem found
   */
  public static LoadedPolicies load(
      String sourceName, String content, List<RuleInfo> rules, List<MutationInfo> mutations)
      throws PolicyException {
    Catalogs catalog = new Catalogs(RuleCatalog.of(rules), MutationCatalog.of(mutations));
    Load load = new Load(catalog);
    load.read(sourceName, content.getBytes(StandardCharsets.UTF_8), Optional.of(content));
    return load.result();
  }

  private static LoadedPolicies load(List<Path> files, Catalogs catalog) throws PolicyException {
    Load load = new Load(catalog);
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        load.problem(file.toString(), "cannot read: " + reason(e));
        continue;
      }
      load.read(file.toString(), bytes, Optional.empty());
    }
    return load.result();
  }

  private static boolean isPolicyFile(Path path) {
    String name = path.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    return !name.startsWith(".")
        && (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"))
        && Files.isRegularFile(path);
  }

  /** What policies may configure. */
  private record Catalogs(RuleCatalog rules, MutationCatalog mutations) {}

  private static PolicyException single(String source, String message) {
    return new PolicyException(List.of(new PolicyProblem(source, 0, 0, "", message)));
  }

  private static String reason(IOException e) {
    String type = e.getClass().getSimpleName();
    return e.getMessage() == null ? type : type + ": " + e.getMessage();
  }

  /** One load in progress: its problems, policies, names seen and the running digest. */
  private static final class Load {

    private final Catalogs catalog;
    private final List<PolicyProblem> problems = new ArrayList<>();
    private final List<Policy> policies = new ArrayList<>();
    private final Map<String, PolicyProblem> names = new HashMap<>();
    private final MessageDigest digest;

    Load(Catalogs catalog) {
      this.catalog = catalog;
      try {
        this.digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }

    void problem(String source, String message) {
      problems.add(new PolicyProblem(source, 0, 0, "", message));
    }

    /** Reads one file; {@code text} is its content when the caller already has it as text. */
    void read(String source, byte[] bytes, Optional<String> text) {
      digest(source, bytes);
      Optional<String> content = text.or(() -> decode(bytes));
      if (content.isEmpty()) {
        problem(source, "is not UTF-8 text");
        return;
      }
      String body = content.get();
      if (body.startsWith("\uFEFF")) {
        body = body.substring(1);
      }
      Problems fileProblems = new Problems(source);
      boolean json = source.toLowerCase(Locale.ROOT).endsWith(".json");
      List<TreeReader.Document> documents = TreeReader.read(body, json, fileProblems);
      if (documents.isEmpty() && fileProblems.isEmpty()) {
        problem(source, "contains no policy (the file is empty, or only comments)");
        return;
      }
      PolicyReader reader = new PolicyReader(catalog.rules(), catalog.mutations(), fileProblems);
      for (TreeReader.Document document : documents) {
        PolicyReader.Result result = reader.read(document);
        boolean duplicate = result.name().isPresent() && duplicate(result, fileProblems);
        if (!duplicate) {
          result.policy().ifPresent(policies::add);
        }
      }
      problems.addAll(fileProblems.sorted());
    }

    private boolean duplicate(PolicyReader.Result result, Problems fileProblems) {
      String name = result.name().get();
      PolicyProblem here =
          new PolicyProblem(
              fileProblems.source(),
              result.namePos().line(),
              result.namePos().column(),
              "metadata.name",
              "");
      PolicyProblem first = names.putIfAbsent(name, here);
      if (first == null) {
        return false;
      }
      fileProblems.add(
          result.namePos(),
          "metadata.name",
          "a policy named "
              + name
              + " is already defined at "
              + first.source()
              + ":"
              + first.line()
              + ": policy names must be unique");
      return true;
    }

    /** The file's name, not its directory: the same files hash the same wherever they are. */
    private void digest(String source, byte[] bytes) {
      Path name = Path.of(source).getFileName();
      byte[] nameBytes = (name == null ? source : name.toString()).getBytes(StandardCharsets.UTF_8);
      digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(nameBytes.length).array());
      digest.update(nameBytes);
      digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
      digest.update(bytes);
    }

    LoadedPolicies result() throws PolicyException {
      if (!problems.isEmpty()) {
        throw new PolicyException(problems);
      }
      return new LoadedPolicies(policies, "sha256:" + HexFormat.of().formatHex(digest.digest()));
    }

    private static Optional<String> decode(byte[] bytes) {
      try {
        return Optional.of(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString());
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
    }
  }
}
