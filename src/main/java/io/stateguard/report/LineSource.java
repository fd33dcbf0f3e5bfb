package io.stateguard.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The lines of an input, decoded strictly, counted as YAML counts them ({@code \n}, {@code \r\n} or
 * a lone {@code \r} ends a line). Not thread-safe.
 */
abstract class LineSource {

  /** An input that is not valid text in its encoding, and the line where that shows. */
  static final class BadEncoding extends IOException {
    private static final long serialVersionUID = 1L;
    private final int line;

    BadEncoding(int line) {
      super("not valid text at line " + line, null);
      this.line = line;
    }

    int line() {
      return line;
    }
  }

  private int lines;

  /** The next line without its terminator, or null at the end. */
  final String readLine() throws IOException {
    String line = next(lines + 1);
    if (line != null) {
      lines++;
    }
    return line;
  }

  /** Lines returned so far. */
  final int linesRead() {
    return lines;
  }

  abstract String next(int lineNumber) throws IOException;

  /**
   * UTF-8 lines split on bytes before decoding, so invalid bytes are pinned to their exact line (a
   * reader decoding ahead into its buffer cannot say where they were).
   */
  static LineSource utf8(InputStream in) {
    return new Utf8(in);
  }

  /** Lines of another encoding; an encoding error is placed on the line after the last read. */
  static LineSource reader(BufferedReader reader) {
    return new LineSource() {
      @Override
      String next(int lineNumber) throws IOException {
        try {
          return reader.readLine();
        } catch (CharacterCodingException e) {
          throw new BadEncoding(lineNumber);
        }
      }
    };
  }

  private static final class Utf8 extends LineSource {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    private final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    Utf8(InputStream in) {
      this.in = in;
    }

    @Override
    String next(int lineNumber) throws IOException {
      length = 0;
      if (pos >= limit && !fill()) {
        return null;
      }
      while (true) {
        int start = pos;
        while (pos < limit && buffer[pos] != '\n' && buffer[pos] != '\r') {
          pos++;
        }
        append(start, pos - start);
        if (pos < limit) {
          byte end = buffer[pos++];
          if (end == '\r' && (pos < limit || fill()) && buffer[pos] == '\n') {
            pos++;
          }
          break;
        }
        if (!fill()) {
          break;
        }
      }
      try {
        return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
      } catch (CharacterCodingException e) {
        throw new BadEncoding(lineNumber);
      }
    }

    private boolean fill() throws IOException {
      int n = in.read(buffer);
      pos = 0;
      limit = Math.max(n, 0);
      return n > 0;
    }

    private void append(int start, int count) {
      if (length + count > line.length) {
        byte[] bigger = new byte[Math.max(line.length * 2, length + count)];
        System.arraycopy(line, 0, bigger, 0, length);
        line = bigger;
      }
      System.arraycopy(buffer, start, line, length, count);
      length += count;
    }
  }
}
