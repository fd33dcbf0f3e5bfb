package io.stateguard.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Writes a P-256 key in OpenSSL's traditional SEC1 form ({@code BEGIN EC PRIVATE KEY}, the curve
 * named inside), as {@code openssl ecparam -genkey} does, for input tests.
 */
final class Sec1 {

  private Sec1() {}

  static String encode(ECPrivateKey key) throws IOException {
    var sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256, key.getS(), new X962Parameters(SECObjectIdentifiers.secp256r1));
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    return text.toString();
  }
}
