package io.stateguard.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text in and out. Keys are written as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), the one
 * form that the JDK, Netty/Vert.x ({@code PemKeyCertOptions}), Go and OpenSSL all read; on input
 * the older SEC1 and PKCS#1 forms ({@code BEGIN EC/RSA PRIVATE KEY}) are accepted too.
 */
final class Pem {

  private Pem() {}

  static String certificates(List<X509Certificate> certificates) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      // A StringWriter does not fail; only an unencodable certificate could get here.
      throw new UncheckedIOException("could not encode a certificate as PEM", e);
    }
    return text.toString();
  }

  static String privateKey(PrivateKey key) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a " + key.getAlgorithm() + " key", e);
    }
    return text.toString();
  }

  /**
   * Every certificate in {@code pem}, in order.
   *
   * @param source what the text is (a file name), for messages
   * @throws IOException when the text holds no certificate or something that is not one
   */
  static List<X509Certificate> readCertificates(String pem, String source) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects(pem, source)) {
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new IOException(
            source + " holds a " + describe(object) + " where only certificates belong");
      }
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded())));
      } catch (CertificateException e) {
        throw new IOException(source + " holds an invalid certificate: " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new IOException(source + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    return certificates;
  }

  /**
   * The one private key in {@code pem}.
   *
   * @param source what the text is (a file name), for messages
   * @throws IOException when the text holds no key, several, or an encrypted one
   */
  static PrivateKey readPrivateKey(String pem, String source) throws IOException {
    List<Object> objects = objects(pem, source);
    if (objects.isEmpty()) {
      throw new IOException(source + " holds no PEM private key (BEGIN PRIVATE KEY)");
    }
    if (objects.size() > 1) {
      throw new IOException(
          source + " holds " + objects.size() + " PEM objects where one private key belongs");
    }
    Object object = objects.get(0);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        // SEC1 and PKCS#1 keys; the public half is optional in SEC1, so only the private is used.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(source + " holds an unusable private key: " + e.getMessage(), e);
    }
    if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
      throw new IOException(source + " holds an encrypted key: give an unencrypted one");
    }
    throw new IOException(source + " holds a " + describe(object) + " where a private key belongs");
  }

  /** The PEM objects in {@code pem}; text outside BEGIN/END lines is ignored, as OpenSSL does. */
  private static List<Object> objects(String pem, String source) throws IOException {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(source + " is not valid PEM: " + e.getMessage(), e);
    }
    return objects;
  }

  private static String describe(Object object) {
    return object instanceof X509CertificateHolder
        ? "certificate"
        : object.getClass().getSimpleName();
  }
}
