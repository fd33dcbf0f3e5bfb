package io.stateguard.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Reads one input stream into documents and decodes them: refuses binary data and inputs over the
 * size limit, honours a byte-order mark, tells JSON from YAML as {@code kubectl} does, and pins an
 * encoding error to its line. YAML is read one document at a time. Thread-safe; each call reads its
 * own stream.
 */
final class InputReader {

  private static final int HEAD_BYTES = 8192;
  private static final int BUFFER = 64 * 1024;

  private final DocumentDecoder decoder;
  private final long maxInputBytes;

  InputReader(DocumentDecoder decoder, long maxInputBytes) {
    this.decoder = decoder;
    this.maxInputBytes = maxInputBytes;
  }

  /**
   * Reads one input to its end, or to the first problem that stops it; never throws.
   *
   * @param size the input's length when known (-1 otherwise), for messages
   */
  InputResult read(String name, InputStream raw, long size) {
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
    } catch (JsonProcessingException e) {
      // A syntax error between or inside values: what follows cannot be split reliably.
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      result.problem(
          new SourceLocation(name, line),
          (e instanceof StreamConstraintsException
                  ? "too large or too deeply nested to read: "
                  : "invalid JSON: ")
              + SyntaxMessages.clean(String.valueOf(e.getOriginalMessage())));
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

  /** Why an input of {@code size} bytes (-1: unknown) is refused. */
  String tooLarge(long size) {
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

  /** An I/O failure in a few words, without the exception's class unless nothing else is known. */
  static String reason(IOException e) {
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
}
