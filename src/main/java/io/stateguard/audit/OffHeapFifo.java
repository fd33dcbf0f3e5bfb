package io.stateguard.audit;

import java.nio.ByteBuffer;

/**
 * A bounded first-in, first-out store of byte strings outside the Java heap: the copies of events
 * sent to Kafka and not yet acknowledged, which the forwarder needs only if it must spool them.
 *
 * <p>Why off the heap: with the default collector a young collection copies every live young
 * object, and at 1,000 events/s some 60 unacknowledged events of 3 KB (50 ms of linger plus the
 * round trip) were alive at every collection, a large part of what the Kafka webhook's young
 * collections copied. Here they cost one native buffer, allocated once.
 *
 * <p>Entries are added at the tail and released from the head, in order; each is named by its
 * position, a count of bytes ever added, so positions never repeat. An entry is stored whole or not
 * at all: {@link #add} returns -1 when the bytes do not fit beside the entries still held, and the
 * caller decides what to do with them (the forwarder spools). Not thread-safe: one thread (the
 * audit writer) uses it.
 */
final class OffHeapFifo {

  private final ByteBuffer buffer;
  private final int capacity;

  /** Position of the oldest byte still held. */
  private long head;

  /** Position just past the newest byte held. */
  private long tail;

  OffHeapFifo(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 byte: " + capacity);
    }
    this.capacity = capacity;
    this.buffer = ByteBuffer.allocateDirect(capacity);
  }

  /**
   * Copies {@code bytes} in behind the entries held.
   *
   * @return the entry's position, or -1 when it does not fit now (nothing is stored)
   */
  long add(byte[] bytes) {
    if (bytes.length > capacity - used()) {
      return -1;
    }
    long at = tail;
    int offset = index(at);
    int first = Math.min(bytes.length, capacity - offset);
    buffer.put(offset, bytes, 0, first);
    if (first < bytes.length) {
      // Wrapped: the rest goes to the start of the buffer.
      buffer.put(0, bytes, first, bytes.length - first);
    }
    tail += bytes.length;
    return at;
  }

  /** A heap copy of the {@code length} bytes at {@code position}, which must still be held. */
  byte[] read(long position, int length) {
    if (position < head || length < 0 || position + length > tail) {
      throw new IllegalStateException(
          "bytes ["
              + position
              + ", "
              + (position + length)
              + ") are not held; held: ["
              + head
              + ", "
              + tail
              + ")");
    }
    byte[] bytes = new byte[length];
    int offset = index(position);
    int first = Math.min(length, capacity - offset);
    buffer.get(offset, bytes, 0, first);
    if (first < length) {
      buffer.get(0, bytes, first, length - first);
    }
    return bytes;
  }

  /** Releases every byte before {@code position}: the entries before it, oldest first. */
  void releaseTo(long position) {
    if (position < head || position > tail) {
      throw new IllegalStateException(
          "cannot release to " + position + "; held: [" + head + ", " + tail + ")");
    }
    head = position;
  }

  /** Bytes held. */
  int used() {
    return (int) (tail - head);
  }

  int capacity() {
    return capacity;
  }

  private int index(long position) {
    return (int) (position % capacity);
  }
}
