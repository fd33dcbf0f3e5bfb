package io.stateguard.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs X.509 certificates: a self-signed CA, and serving certificates the CA signs.
 * BouncyCastle assembles the ASN.1; the JDK's providers generate the keys and sign (see {@link
 * Keys}). Stateless and thread-safe.
 */
final class X509Issuer {

  /**
   * How far notBefore is set in the past, so a node whose clock runs a little behind the one that
   * issued the certificate does not reject it as not yet valid.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final int SERIAL_BITS = 128;

  private X509Issuer() {}

  static CertificateAuthority newAuthority(
      String commonName, Duration validity, Clock clock, SecureRandom random) {
    checkValidity(validity);
    KeyPair keys = Keys.generateEcP256(random);
    X500Name subject = name(commonName);
    Instant now = now(clock);
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(random),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(validity)),
                  subject,
                  keys.getPublic())
              // pathLen 0: this CA signs serving certificates only, never another CA.
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys.getPrivate(), random);
      return new CertificateAuthority(certificate, keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("could not create a CA certificate", e);
    }
  }

  /**
   * A serving certificate for {@code names}, valid from now (less {@link #CLOCK_SKEW}) for {@code
   * validity}, but never past the CA's own expiry.
   */
  static TlsMaterial issue(
      CertificateAuthority ca,
      SubjectNames names,
      Duration validity,
      Clock clock,
      SecureRandom random) {
    checkValidity(validity);
    KeyPair keys = Keys.generateEcP256(random);
    Instant now = now(clock);
    Instant notAfter = now.plus(validity);
    Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  ca.certificate(),
                  serial(random),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(notAfter),
                  name(names.commonName()),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, alternativeNames(names))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  authorityKeyId(extensions, ca.certificate()))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, ca.privateKey(), random);
      return new TlsMaterial(ca.certificate(), List.of(certificate), keys.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue a serving certificate", e);
    }
  }

  private static X509Certificate sign(
      X509v3CertificateBuilder builder, PrivateKey issuerKey, SecureRandom random)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer =
        new JcaContentSignerBuilder(Keys.SIGNATURE_ALGORITHM)
            .setSecureRandom(random)
            .build(issuerKey);
    // The default converter yields the JDK's own X509Certificate implementation.
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static GeneralNames alternativeNames(SubjectNames names) {
    List<GeneralName> all = new ArrayList<>();
    for (String dns : names.dnsNames()) {
      all.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress ip : names.ipAddresses()) {
      all.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
    }
    return new GeneralNames(all.toArray(GeneralName[]::new));
  }

  /**
   * The CA's own subject key identifier, copied rather than recomputed, so the two always match
   * (path builders pair certificates by it); computed from the key only when the CA has none.
   */
  private static AuthorityKeyIdentifier authorityKeyId(
      JcaX509ExtensionUtils extensions, X509Certificate ca) throws IOException {
    byte[] encoded = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (encoded == null) {
      PublicKey key = ca.getPublicKey();
      return extensions.createAuthorityKeyIdentifier(key);
    }
    SubjectKeyIdentifier ski =
        SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(encoded));
    return new AuthorityKeyIdentifier(ski.getKeyIdentifier());
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  /** Random, positive, exactly 128 bits (top bit set), so it is never zero and never repeats. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(SERIAL_BITS, random).setBit(SERIAL_BITS - 1);
  }

  /** X.509 times have whole seconds; truncating here makes notBefore/notAfter predictable. */
  private static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void checkValidity(Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, was " + validity);
    }
  }
}
