package io.stateguard.audit;

import java.util.zip.CRC32C;

/** CRC-32C of spool records: finds torn and damaged records. */
final class Crc {

  private Crc() {}

  static int of(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
