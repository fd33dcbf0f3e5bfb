package io.stateguard.report;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Loads Kubernetes manifests for a report: files, directories (recursively) and standard input;
 * multi-document YAML, JSON (one object or a stream), {@code List}s, and Helm-rendered output.
 *
 * <p>StatefulSets, policy/v1 PodDisruptionBudgets, Services, Pods and StorageClasses are read into
 * their model classes, given the default namespace when they name none (as {@code kubectl} does;
 * StorageClasses are cluster-wide and get none) and the API server's defaults ({@link
 * io.stateguard.policy.Defaults}). Other kinds are counted by kind and skipped. Each manifest keeps
 * its file, the line its object starts on and, for Helm output, the chart template named by the
 * {@code # Source:} comment.
 *
 * <p>Bad input never stops a load and never throws: each unreadable input, document or object is a
 * {@link LoadProblem} naming the file, the line and what is wrong, and everything else is still
 * loaded. An input larger than the size limit is refused before it is read; YAML is read one
 * document at a time, so memory follows the largest document, not the input.
 *
 * <p>A known kind is read as strictly as the API server decodes it (with kubectl's default strict
 * field validation): a value of the wrong type, an unknown or repeated field, a null list item or a
 * malformed quantity is a problem and the object is not loaded, since the cluster would refuse it.
 * So are retired API versions (policy/v1beta1 PodDisruptionBudget, apps/v1beta1 and v1beta2
 * StatefulSet, storage.k8s.io/v1beta1 StorageClass) and a known kind under a built-in group that
 * lacks it ({@code v1 StatefulSet}); the same kind name under a custom group is another kind and is
 * skipped. An input that holds no object at all (empty, or comments only) is a problem too; empty
 * documents between others, as Helm leaves them, are not. YAML anchors, aliases and merge keys are
 * resolved, with a bound on alias expansion.
 *
 * <p>Directories are walked in name order; only {@code .yaml}, {@code .yml} and {@code .json} files
 * are read, and hidden files and directories (names starting with a dot) are passed over. Instances
 * are immutable; one load runs on the calling thread.
 */
public final class ManifestLoader {

  /** The default limit on the size of one input: 32 MiB. */
  public static final long DEFAULT_MAX_INPUT_BYTES = 32L * 1024 * 1024;

  private static final String STDIN = "-";

  private final String defaultNamespace;
  private final long maxInputBytes;
  private final InputReader reader;

  /** A loader for inputs of at most {@link #DEFAULT_MAX_INPUT_BYTES}. */
  public ManifestLoader(String defaultNamespace) {
    this(defaultNamespace, DEFAULT_MAX_INPUT_BYTES);
  }

  /**
   * @param defaultNamespace the namespace of namespaced objects that name none
   * @param maxInputBytes the largest file (or standard input) to read, in bytes
   */
  public ManifestLoader(String defaultNamespace, long maxInputBytes) {
    Objects.requireNonNull(defaultNamespace, "defaultNamespace");
    if (defaultNamespace.isEmpty()) {
      throw new IllegalArgumentException("the default namespace must not be empty");
    }
    if (maxInputBytes <= 0) {
      throw new IllegalArgumentException("maxInputBytes must be positive: " + maxInputBytes);
    }
    this.defaultNamespace = defaultNamespace;
    this.maxInputBytes = maxInputBytes;
    this.reader =
        new InputReader(new DocumentDecoder(defaultNamespace, maxInputBytes), maxInputBytes);
  }

  public String defaultNamespace() {
    return defaultNamespace;
  }

  /**
   * Loads every input in order.
   *
   * @param inputs files, directories, or {@code -} for {@code stdin}
   * @param stdin what {@code -} reads (left open); may be null when no input is {@code -}
   */
  public Loaded load(List<String> inputs, InputStream stdin) {
    List<Manifest> manifests = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    Map<String, Integer> skipped = new TreeMap<>();
    boolean stdinRead = false;
    for (String input : inputs) {
      List<InputResult> results = new ArrayList<>();
      if (input.equals(STDIN)) {
        if (stdin == null) {
          results.add(InputResult.failed(new SourceLocation(STDIN, 0), "no standard input"));
        } else if (stdinRead) {
          results.add(
              InputResult.failed(
                  new SourceLocation(STDIN, 0), "standard input was already read; give - once"));
        } else {
          stdinRead = true;
          results.add(reader.read(STDIN, new KeepOpen(stdin), -1));
        }
      } else {
        results.addAll(readPath(input));
      }
      for (InputResult result : results) {
        manifests.addAll(result.manifests);
        problems.addAll(result.problems);
        result.skipped.forEach((kind, n) -> skipped.merge(kind, n, Integer::sum));
      }
    }
    return new Loaded(manifests, problems, skipped);
  }

  private List<InputResult> readPath(String input) {
    Path path;
    try {
      path = Path.of(input);
    } catch (InvalidPathException e) {
      return List.of(InputResult.failed(new SourceLocation(input, 0), "not a valid path"));
    }
    if (!Files.exists(path)) {
      boolean link = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
      return List.of(
          InputResult.failed(
              new SourceLocation(input, 0),
              link ? "broken symbolic link" : "no such file or directory"));
    }
    if (!Files.isDirectory(path)) {
      return List.of(readFile(input, path));
    }
    List<InputResult> results = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(
          path,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(path) && isHidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!attrs.isDirectory() && !isHidden(file) && isManifestName(file)) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              results.add(
                  InputResult.failed(
                      new SourceLocation(display(input, path, file), 0), InputReader.reason(e)));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      results.add(InputResult.failed(new SourceLocation(input, 0), InputReader.reason(e)));
    }
    files.sort(null);
    for (Path file : files) {
      results.add(readFile(display(input, path, file), file));
    }
    if (files.isEmpty() && results.isEmpty()) {
      results.add(
          InputResult.failed(
              new SourceLocation(input, 0), "directory holds no .yaml, .yml or .json files"));
    }
    return results;
  }

  private InputResult readFile(String name, Path path) {
    if (!Files.isReadable(path)) {
      return InputResult.failed(new SourceLocation(name, 0), "permission denied");
    }
    long size = -1;
    try {
      if (Files.isRegularFile(path)) {
        size = Files.size(path);
        if (size > maxInputBytes) {
          return InputResult.failed(new SourceLocation(name, 0), reader.tooLarge(size));
        }
      }
      try (InputStream in = Files.newInputStream(path)) {
        return reader.read(name, in, size);
      }
    } catch (IOException e) {
      return InputResult.failed(new SourceLocation(name, 0), InputReader.reason(e));
    }
  }

  private static boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  private static boolean isManifestName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /** A file under a directory input, named as the user named the directory. */
  private static String display(String input, Path root, Path file) {
    return Path.of(input).resolve(root.relativize(file)).toString();
  }

  /** Standard input belongs to the caller: reading it must not close it. */
  private static final class KeepOpen extends FilterInputStream {
    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // left open on purpose
    }
  }
}
