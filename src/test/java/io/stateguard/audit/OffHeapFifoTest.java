package io.stateguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OffHeapFifoTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void returnsEachEntryAsAddedInOrder() {
    OffHeapFifo fifo = new OffHeapFifo(32);

    long a = fifo.add(bytes("alpha"));
    long b = fifo.add(bytes("beta"));

    assertThat(b).isEqualTo(a + 5);
    assertThat(text(fifo.read(a, 5))).isEqualTo("alpha");
    assertThat(text(fifo.read(b, 4))).isEqualTo("beta");
    assertThat(fifo.used()).isEqualTo(9);
  }

  @Test
  void anEntryThatDoesNotFitIsRefusedAndNothingIsStored() {
    // Given 8 of 10 bytes held
    OffHeapFifo fifo = new OffHeapFifo(10);
    long first = fifo.add(bytes("12345678"));

    // When 3 more bytes come
    long refused = fifo.add(bytes("abc"));

    // Then they are refused and what was held is unchanged
    assertThat(refused).isEqualTo(-1);
    assertThat(fifo.used()).isEqualTo(8);
    assertThat(text(fifo.read(first, 8))).isEqualTo("12345678");
  }

  @Test
  void anEntryLargerThanTheWholeBufferIsRefusedEvenWhenEmpty() {
    OffHeapFifo fifo = new OffHeapFifo(4);

    assertThat(fifo.add(bytes("12345"))).isEqualTo(-1);
    assertThat(fifo.used()).isZero();
  }

  @Test
  void releasingTheOldestMakesRoomAndAnEntryWrapsAroundTheEnd() {
    // Given a full buffer of 10 bytes
    OffHeapFifo fifo = new OffHeapFifo(10);
    long first = fifo.add(bytes("0123456"));
    long second = fifo.add(bytes("789"));
    assertThat(fifo.add(bytes("x"))).isEqualTo(-1);

    // When the oldest entry is released
    fifo.releaseTo(first + 7);

    // Then 7 bytes fit again, written across the end of the buffer, and read back whole
    long third = fifo.add(bytes("abcdefg"));
    assertThat(third).isEqualTo(10);
    assertThat(text(fifo.read(second, 3))).isEqualTo("789");
    assertThat(text(fifo.read(third, 7))).isEqualTo("abcdefg");
    assertThat(fifo.used()).isEqualTo(10);
  }

  @Test
  void manyRoundsThroughTheBufferKeepEveryEntryIntact() {
    OffHeapFifo fifo = new OffHeapFifo(50);
    long[] at = new long[3];
    String[] held = new String[3];
    for (int i = 0; i < 300; i++) {
      int slot = i % 3;
      if (held[slot] != null) {
        assertThat(text(fifo.read(at[slot], held[slot].length()))).isEqualTo(held[slot]);
        fifo.releaseTo(at[slot] + held[slot].length());
      }
      held[slot] = "event-" + i;
      at[slot] = fifo.add(bytes(held[slot]));
      assertThat(at[slot]).as("entry %d fits", i).isNotNegative();
    }
  }

  @Test
  void releasedBytesCannotBeRead() {
    OffHeapFifo fifo = new OffHeapFifo(16);
    long a = fifo.add(bytes("gone"));
    fifo.add(bytes("kept"));
    fifo.releaseTo(a + 4);

    assertThatThrownBy(() -> fifo.read(a, 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not held");
  }

  @Test
  void releasingBackwardsOrPastTheNewestEntryFails() {
    OffHeapFifo fifo = new OffHeapFifo(16);
    long a = fifo.add(bytes("abcd"));
    fifo.releaseTo(a + 2);

    assertThatThrownBy(() -> fifo.releaseTo(a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> fifo.releaseTo(a + 5)).isInstanceOf(IllegalStateException.class);
  }
}
