package io.stateguard.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk queue of events waiting for Kafka: append-only segment files read in order from a
 * checkpoint, which survives restarts. A record is written with one system call (a crash of the
 * process loses nothing written); {@link #force} makes written records survive a crash of the
 * machine. A torn record at the end of the last segment (a crash mid-write) is cut off on open.
 *
 * <p>Record layout: {@code int length, int crc32c, then length bytes of body: long spooled-at
 * (epoch millis), int key length, key (UTF-8), value}. Files: {@code NNNNNNNNNNNNNNNNNNNN.seg},
 * {@code checkpoint} ({@code "segment offset"} of the first unacknowledged record) and {@code
 * lock}.
 *
 * <p>Not thread-safe: one thread (the audit writer) owns it.
 */
final class Spool implements Closeable {

  private static final Logger LOGGER = LoggerFactory.getLogger(Spool.class);

  static final int HEADER = 8;
  static final int MAX_RECORD = 16 << 20;
  private static final String SUFFIX = ".seg";

  /** A place in the spool: a segment and a byte offset in it. */
  record Position(long segment, long offset) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      int c = Long.compare(segment, o.segment);
      return c != 0 ? c : Long.compare(offset, o.offset);
    }
  }

  /** One spooled event: where it starts, where the next begins, and what it holds. */
  record Entry(Position at, Position next, Instant spooledAt, String key, byte[] value) {}

  /**
   * The outcome of an append.
   *
   * @param at where the event was written; empty when it was refused
   * @param droppedOldest how many older events were deleted to make room
   */
  record Appended(Optional<Position> at, long droppedOldest) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final WhenFull whenFull;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /** Segment number to its size in bytes; the last is the one written to. */
  private final TreeMap<Long, Long> segments = new TreeMap<>();

  private FileChannel writer;
  private long writerSegment = -1;
  private boolean dirty;

  private Position acked;
  private Position read;
  private Position savedCheckpoint;
  private FileChannel reader;
  private long readerSegment = -1;

  private Spool(
      Path dir,
      long maxBytes,
      long segmentBytes,
      WhenFull whenFull,
      Clock clock,
      FileChannel lockChannel,
      FileLock lock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.whenFull = whenFull;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating when needed) the spool in {@code dir}, recovers from a torn last record and
   * positions the reader at the checkpoint.
   *
   * @throws IOException when the folder cannot be created, written or locked
   */
  static Spool open(Path dir, long maxBytes, long segmentBytes, WhenFull whenFull, Clock clock)
      throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this process already
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("the spool folder " + dir + " is in use by another audit log");
    }
    Spool spool = new Spool(dir, maxBytes, segmentBytes, whenFull, clock, lockChannel, lock);
    try {
      spool.recover();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Long n = segmentNumber(p);
        if (n != null) {
          segments.put(n, Files.size(p));
        }
      }
    }
    if (!segments.isEmpty()) {
      long last = segments.lastKey();
      long valid = validLength(path(last), segments.get(last));
      if (valid < segments.get(last)) {
        LOGGER
            .atWarn()
            .addKeyValue("segment", path(last))
            .addKeyValue("bytes", segments.get(last) - valid)
            .log(
                "audit spool: cut off a torn record at the end of the last segment (a crash mid-write)");
        try (FileChannel ch = FileChannel.open(path(last), StandardOpenOption.WRITE)) {
          ch.truncate(valid);
          ch.force(true);
        }
        segments.put(last, valid);
      }
    }
    acked = readCheckpoint();
    read = acked;
    savedCheckpoint = acked;
    deleteAcknowledgedSegments();
  }

  /** The checkpoint on disk, clamped to the segments that exist; the start when there is none. */
  private Position readCheckpoint() throws IOException {
    Position start = segments.isEmpty() ? new Position(0, 0) : new Position(segments.firstKey(), 0);
    Path file = dir.resolve("checkpoint");
    if (!Files.exists(file)) {
      return start;
    }
    String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
    try {
      Position p = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      if (p.segment() < 0 || p.offset() < 0) {
        throw new NumberFormatException("negative position");
      }
      if (segments.isEmpty()) {
        // Drained before the restart: keep numbering after the last segment.
        return new Position(p.segment(), 0);
      }
      if (p.compareTo(start) < 0) {
        return start;
      }
      Long size = segments.get(p.segment());
      if (size == null) {
        // Its segment is gone: everything before the next existing one was acknowledged.
        Long next = segments.higherKey(p.segment());
        long last = segments.lastKey();
        return next == null ? new Position(last, segments.get(last)) : new Position(next, 0);
      }
      return new Position(p.segment(), Math.min(p.offset(), size));
    } catch (RuntimeException e) {
      LOGGER
          .atWarn()
          .addKeyValue("file", file)
          .log("audit spool: unreadable checkpoint; replaying every spooled event (some twice)");
      return start;
    }
  }

  /**
   * Appends one event. When the spool is full, {@link WhenFull} decides: refuse it, or delete the
   * oldest segment to make room.
   *
   * @throws IOException when the write fails (the spool stays as it was)
   */
  Appended append(String key, byte[] value) throws IOException {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 8 + 4 + keyBytes.length + value.length;
    if (bodyLength > MAX_RECORD) {
      throw new IOException(
          "an audit event of " + value.length + " bytes is larger than a spool record may be");
    }
    long frame = HEADER + (long) bodyLength;
    long dropped = 0;
    while (bytes() + frame > maxBytes) {
      if (whenFull == WhenFull.REJECT_NEW || segments.size() < 2) {
        return new Appended(Optional.empty(), dropped);
      }
      dropped += dropOldestSegment();
    }
    ByteBuffer buf = ByteBuffer.allocate((int) frame);
    buf.putInt(bodyLength).putInt(0);
    buf.putLong(clock.millis()).putInt(keyBytes.length).put(keyBytes).put(value);
    buf.putInt(4, Crc.of(buf.array(), HEADER, bodyLength));
    buf.flip();
    FileChannel ch = writerFor(frame);
    long before = segments.get(writerSegment);
    try {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    } catch (IOException e) {
      // Leave no partial record behind: the next append starts on a record boundary.
      try {
        ch.truncate(before);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    segments.put(writerSegment, before + frame);
    dirty = true;
    return new Appended(Optional.of(new Position(writerSegment, before)), dropped);
  }

  private FileChannel writerFor(long frame) throws IOException {
    if (writer != null && segments.get(writerSegment) + frame > segmentBytes) {
      writer.close();
      writer = null;
    }
    if (writer == null) {
      long n = segments.isEmpty() ? Math.max(acked.segment(), 0) : segments.lastKey() + 1;
      if (!segments.isEmpty() && segments.lastEntry().getValue() == 0) {
        n = segments.lastKey();
      }
      writer =
          FileChannel.open(
              path(n),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
      writerSegment = n;
      segments.putIfAbsent(n, writer.size());
      if (segments.size() == 1 && acked.compareTo(new Position(n, 0)) < 0) {
        acked = new Position(n, 0);
        read = acked;
      }
    }
    return writer;
  }

  /** The next event after the reader's position, or empty when the reader is at the end. */
  Optional<Entry> next() throws IOException {
    while (true) {
      Long size = segments.get(read.segment());
      if (size == null || read.offset() >= size) {
        Long following = segments.higherKey(read.segment());
        if (following == null) {
          return Optional.empty();
        }
        read = new Position(following, 0);
        continue;
      }
      Optional<Entry> entry = readAt(read, size);
      if (entry.isEmpty()) {
        // Damage inside a segment (not a torn tail, which open cuts off): skip the rest of it.
        LOGGER
            .atError()
            .addKeyValue("segment", path(read.segment()))
            .addKeyValue("offset", read.offset())
            .log(
                "audit spool: damaged record; the rest of this segment cannot be read and is skipped");
        read = new Position(read.segment(), size);
        continue;
      }
      read = entry.get().next();
      return entry;
    }
  }

  private Optional<Entry> readAt(Position at, long size) throws IOException {
    FileChannel ch = readerFor(at.segment());
    if (size - at.offset() < HEADER) {
      return Optional.empty();
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    readFully(ch, header, at.offset());
    int length = header.getInt(0);
    int crc = header.getInt(4);
    if (length < 12 || length > MAX_RECORD || at.offset() + HEADER + length > size) {
      return Optional.empty();
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(ch, body, at.offset() + HEADER);
    if (Crc.of(body.array(), 0, length) != crc) {
      return Optional.empty();
    }
    body.flip();
    long spooledAt = body.getLong();
    int keyLength = body.getInt();
    if (keyLength < 0 || keyLength > body.remaining()) {
      return Optional.empty();
    }
    byte[] key = new byte[keyLength];
    body.get(key);
    byte[] value = new byte[body.remaining()];
    body.get(value);
    Position next = new Position(at.segment(), at.offset() + HEADER + length);
    return Optional.of(
        new Entry(
            at,
            next,
            Instant.ofEpochMilli(spooledAt),
            new String(key, StandardCharsets.UTF_8),
            value));
  }

  private FileChannel readerFor(long segment) throws IOException {
    if (readerSegment != segment) {
      if (reader != null) {
        reader.close();
      }
      reader = FileChannel.open(path(segment), StandardOpenOption.READ);
      readerSegment = segment;
    }
    return reader;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of a spool segment");
      }
      p += n;
    }
  }

  /** Moves the reader back to the first unacknowledged event (after a failed delivery). */
  void rewind() {
    read = acked;
  }

  /**
   * Everything before {@code next} is delivered. Segments wholly before it are deleted; when the
   * spool is drained, every file goes and the next append starts a fresh segment.
   */
  void ack(Position next) throws IOException {
    if (next.compareTo(acked) <= 0) {
      return;
    }
    acked = next;
    if (read.compareTo(acked) < 0) {
      read = acked;
    }
    deleteAcknowledgedSegments();
  }

  private void deleteAcknowledgedSegments() throws IOException {
    while (!segments.isEmpty()) {
      long first = segments.firstKey();
      boolean behind =
          first < acked.segment()
              || (first == acked.segment() && acked.offset() >= segments.get(first));
      if (!behind) {
        return;
      }
      Long following = segments.higherKey(first);
      if (following == null && first == writerSegment && writer != null) {
        writer.close();
        writer = null;
      }
      deleteSegment(first);
      if (following != null && acked.segment() <= first) {
        acked = new Position(following, 0);
      }
      if (read.segment() <= first && following != null) {
        read = new Position(following, 0);
      }
      if (following == null) {
        // Drained: the next segment continues the numbering so the checkpoint stays ordered.
        acked = new Position(first + 1, 0);
        read = acked;
      }
    }
  }

  private long dropOldestSegment() throws IOException {
    long first = segments.firstKey();
    long from = acked.segment() == first ? acked.offset() : 0;
    long lost = countRecords(first, from);
    long following = segments.higherKey(first);
    deleteSegment(first);
    if (acked.segment() <= first) {
      acked = new Position(following, 0);
    }
    if (read.segment() <= first) {
      read = new Position(following, 0);
    }
    return lost;
  }

  /** Counts records from {@code offset} by walking their headers. */
  private long countRecords(long segment, long offset) throws IOException {
    long size = segments.get(segment);
    long count = 0;
    long at = offset;
    try (FileChannel ch = FileChannel.open(path(segment), StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (size - at >= HEADER) {
        header.clear();
        readFully(ch, header, at);
        int length = header.getInt(0);
        if (length < 12 || at + HEADER + length > size) {
          break;
        }
        count++;
        at += HEADER + length;
      }
    }
    return count;
  }

  private void deleteSegment(long n) throws IOException {
    if (readerSegment == n && reader != null) {
      reader.close();
      reader = null;
      readerSegment = -1;
    }
    Files.deleteIfExists(path(n));
    segments.remove(n);
  }

  /** Forces written events to disk and saves the checkpoint when it moved. */
  void force() throws IOException {
    if (dirty && writer != null) {
      writer.force(false);
    }
    dirty = false;
    if (!acked.equals(savedCheckpoint)) {
      Path tmp = dir.resolve("checkpoint.tmp");
      Files.writeString(
          tmp, acked.segment() + " " + acked.offset() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, dir.resolve("checkpoint"), StandardCopyOption.ATOMIC_MOVE);
      savedCheckpoint = acked;
    }
  }

  /** Whether written events have not yet been forced to disk. */
  boolean dirty() {
    return dirty;
  }

  /** True when every spooled event has been acknowledged. */
  boolean drained() {
    return acked.compareTo(end()) >= 0;
  }

  /** True when the reader has handed out every spooled event. */
  boolean readToEnd() {
    return read.compareTo(end()) >= 0;
  }

  private Position end() {
    return segments.isEmpty()
        ? acked
        : new Position(segments.lastKey(), segments.lastEntry().getValue());
  }

  /** Bytes in segment files, acknowledged parts of the first one included. */
  long bytes() {
    long total = 0;
    for (Map.Entry<Long, Long> e : segments.entrySet()) {
      total += e.getValue();
    }
    return total;
  }

  /** When the oldest unacknowledged event was spooled; empty when drained. */
  Optional<Instant> oldest() throws IOException {
    if (drained()) {
      return Optional.empty();
    }
    Position at = acked;
    Long size = segments.get(at.segment());
    if (size == null || at.offset() >= size) {
      Long following = segments.higherKey(at.segment());
      if (following == null) {
        return Optional.empty();
      }
      at = new Position(following, 0);
      size = segments.get(following);
    }
    return readAt(at, size).map(Entry::spooledAt);
  }

  Path dir() {
    return dir;
  }

  private Path path(long n) {
    return dir.resolve(String.format("%020d%s", n, SUFFIX));
  }

  private static Long segmentNumber(Path p) {
    String name = p.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
      return null;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The length of the prefix of whole, intact records. */
  private static long validLength(Path file, long size) throws IOException {
    long at = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (size - at >= HEADER) {
        header.clear();
        readFully(ch, header, at);
        int length = header.getInt(0);
        if (length < 12 || length > MAX_RECORD || at + HEADER + length > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, at + HEADER);
        if (Crc.of(body.array(), 0, length) != header.getInt(4)) {
          break;
        }
        at += HEADER + length;
      }
    }
    return at;
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (AutoCloseable c : new AutoCloseable[] {writer, reader, lock, lockChannel}) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        IOException io = e instanceof IOException x ? x : new IOException(e);
        if (failure == null) {
          failure = io;
        } else {
          failure.addSuppressed(io);
        }
      }
    }
    writer = null;
    reader = null;
    if (failure != null) {
      throw failure;
    }
  }
}
