package io.stateguard.audit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JSON-lines sink: one event per line, appended to a file or written to a stream (standard
 * output). Lines are buffered and written out by {@link #flush} at the end of each batch; {@link
 * #force} also makes a file's lines survive a crash of the machine. After a failure (disk full) the
 * file is reopened on the next write, and a line cut short by the failure is ended first so every
 * later line parses. Not thread-safe: the audit writer thread owns it.
 */
final class LineSink {

  private final String name;
  private final Path file;
  private final OutputStream stream;
  private FileChannel channel;
  private OutputStream out;
  private long pending;

  private LineSink(String name, Path file, OutputStream stream) {
    this.name = name;
    this.file = file;
    this.stream = stream;
  }

  /** A sink appending to {@code file}, opened now so a bad path fails at start. */
  static LineSink file(Path file) throws IOException {
    LineSink sink = new LineSink("file", file, null);
    sink.open();
    return sink;
  }

  /** A sink writing to {@code stream}, which it never closes. */
  static LineSink stream(String name, OutputStream stream) {
    LineSink sink = new LineSink(name, null, stream);
    sink.out = new BufferedOutputStream(stream, 64 << 10);
    return sink;
  }

  /** The metric and log name: {@code file} or {@code stdout}. */
  String name() {
    return name;
  }

  /** Whether {@link #force} makes lines durable (a file, not a stream). */
  boolean durable() {
    return file != null;
  }

  private void open() throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    endCutLine();
    out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 << 10);
  }

  /** A line left unfinished by an earlier failure would swallow the next one: end it. */
  private void endCutLine() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    // An append-only channel cannot read: look with a reading one.
    try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
      reader.read(last, size - 1);
    }
    if (last.get(0) != '\n') {
      channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
    }
  }

  /** Buffers one line. */
  void write(byte[] json) throws IOException {
    if (out == null) {
      open();
    }
    pending++;
    out.write(json);
    out.write('\n');
  }

  /** Writes buffered lines out; returns how many lines that covered. */
  long flush() throws IOException {
    long n = pending;
    if (out != null && n > 0) {
      out.flush();
    }
    pending = 0;
    return n;
  }

  /** Flushes and, for a file, forces its lines to disk. */
  void force() throws IOException {
    flush();
    if (channel != null) {
      channel.force(false);
    }
  }

  /**
   * Forgets what failed: the lines buffered since the last flush are lost (the caller counts them)
   * and a file is reopened on the next write. Returns how many lines were lost.
   */
  long reset() {
    long lost = pending;
    pending = 0;
    if (file != null) {
      closeQuietly();
      out = null;
      channel = null;
    } else {
      out = new BufferedOutputStream(stream, 64 << 10);
    }
    return lost;
  }

  void close() throws IOException {
    try {
      flush();
      if (channel != null) {
        channel.force(false);
      }
    } finally {
      if (file != null) {
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Already failing; the caller has counted the loss.
    }
  }
}
