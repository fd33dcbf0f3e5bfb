package io.stateguard.report;

import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
 * <p>Directories are walked in name order; only {@code .yaml}, {@code .yml} and {@code .json} files
 * are read, and hidden files and directories (names starting with a dot) are passed over. Instances
 * are immutable; one load runs on the calling thread.
 */
public final class ManifestLoader {

  /** The default limit on the size of one input: 32 MiB. */
  public static final long DEFAULT_MAX_INPUT_BYTES = 32L * 1024 * 1024;

  private static final int HEAD_BYTES = 8192;
  private static final int BUFFER = 64 * 1024;
  private static final String STDIN = "-";

  private final String defaultNamespace;
  private final long maxInputBytes;
  private final DocumentDecoder decoder;

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
    this.decoder = new DocumentDecoder(defaultNamespace, maxInputBytes);
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
          results.add(readStream(STDIN, new KeepOpen(stdin), -1));
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
                  InputResult.failed(new SourceLocation(display(input, path, file), 0), reason(e)));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      results.add(InputResult.failed(new SourceLocation(input, 0), reason(e)));
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
          return InputResult.failed(new SourceLocation(name, 0), tooLarge(size));
        }
      }
      try (InputStream in = Files.newInputStream(path)) {
        return readStream(name, in, size);
      }
    } catch (IOException e) {
      return InputResult.failed(new SourceLocation(name, 0), reason(e));
    }
  }

  /** Reads one input; {@code size} is its length when known (-1 otherwise), for messages. */
  private InputResult readStream(String name, InputStream raw, long size) {
    InputResult result = new InputResult();
    String encoding = "UTF-8";
    try {
      BufferedInputStream in = new BufferedInputStream(new Limited(raw, maxInputBytes), BUFFER);
      Head head = Head.read(in);
      if (head.charset() == null) {
        return InputResult.failed(
            new SourceLocation(name, 0),
            "binary data (it contains NUL bytes), not a YAML or JSON manifest");
      }
      encoding = head.charset().name();
      LineSource lines =
          head.charset().equals(StandardCharsets.UTF_8)
              ? LineSource.utf8(in)
              : LineSource.reader(
                  new BufferedReader(
                      new InputStreamReader(
                          in,
                          head.charset()
                              .newDecoder()
                              .onMalformedInput(CodingErrorAction.REPORT)
                              .onUnmappableCharacter(CodingErrorAction.REPORT)),
                      BUFFER));
      if (head.json()) {
        readJson(name, lines, result);
      } else {
        YamlDocuments documents = new YamlDocuments(lines);
        Document doc;
        while ((doc = documents.next()) != null) {
          decoder.decode(name, doc, result);
        }
      }
    } catch (TooLarge e) {
      return InputResult.failed(new SourceLocation(name, 0), tooLarge(size));
    } catch (LineSource.BadEncoding e) {
      result.problem(
          new SourceLocation(name, e.line()),
          "not " + encoding + " text (binary data, or another encoding): save it as UTF-8");
      return result;
    } catch (IOException e) {
      result.problem(new SourceLocation(name, 0), reason(e));
      return result;
    }
    if (result.documents == 0 && result.problems.isEmpty()) {
      result.problem(
          new SourceLocation(name, 0),
          "no Kubernetes objects (the input is empty or holds only comments)");
    }
    return result;
  }

  private void readJson(String name, LineSource lines, InputResult result) throws IOException {
    StringBuilder text = new StringBuilder();
    String next;
    while ((next = lines.readLine()) != null) {
      text.append(next).append('\n');
    }
    try (JsonDocuments documents = new JsonDocuments(decoder.json(), text.toString())) {
      Document doc;
      while ((doc = documents.next()) != null) {
        decoder.decode(name, doc, result);
      }
    } catch (StreamReadException e) {
      // A syntax error between or inside values: what follows cannot be split reliably.
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      result.problem(
          new SourceLocation(name, line),
          "invalid JSON: " + SyntaxMessages.clean(String.valueOf(e.getOriginalMessage())));
    }
  }

  /**
   * What the first bytes of an input say: its encoding (UTF-8 unless a byte-order mark says UTF-16;
   * the mark is skipped), null for binary data (NUL bytes without a UTF-16 mark), and whether it is
   * JSON (its first character that is not white space opens an object or a list, as {@code kubectl}
   * decides).
   */
  private record Head(Charset charset, boolean json) {

    static Head read(BufferedInputStream in) throws IOException {
      in.mark(HEAD_BYTES);
      byte[] head = in.readNBytes(HEAD_BYTES);
      in.reset();
      Charset charset = StandardCharsets.UTF_8;
      int bom = 0;
      if (startsWith(head, 0xef, 0xbb, 0xbf)) {
        bom = 3;
      } else if (startsWith(head, 0xff, 0xfe)) {
        charset = StandardCharsets.UTF_16LE;
        bom = 2;
      } else if (startsWith(head, 0xfe, 0xff)) {
        charset = StandardCharsets.UTF_16BE;
        bom = 2;
      } else {
        for (byte b : head) {
          if (b == 0) {
            return new Head(null, false);
          }
        }
      }
      in.skipNBytes(bom);
      String start = new String(head, bom, head.length - bom, charset).stripLeading();
      return new Head(charset, start.startsWith("{") || start.startsWith("["));
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
      if (bytes.length < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if ((bytes[i] & 0xff) != prefix[i]) {
          return false;
        }
      }
      return true;
    }
  }

  private String tooLarge(long size) {
    String limit = mebibytes(maxInputBytes);
    return (size > 0 ? "input is " + mebibytes(size) + ", over" : "input is over")
        + " the "
        + limit
        + " limit for one input: split it into smaller files";
  }

  private static String mebibytes(long bytes) {
    double mib = bytes / (1024.0 * 1024.0);
    return mib == Math.rint(mib)
        ? String.format(Locale.ROOT, "%d MiB", (long) mib)
        : String.format(Locale.ROOT, "%.1f MiB", mib);
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "symbolic link loop";
    }
    String message = e.getMessage();
    return "cannot be read: " + (message == null ? e.getClass().getSimpleName() : message);
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

  /** Signals that an input went past the size limit while it was read. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("input too large", null);
    }
  }

  /** Fails with {@link TooLarge} once more than {@code limit} bytes have been read. */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws TooLarge {
      count += n;
      if (count > limit) {
        throw new TooLarge();
      }
    }
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
