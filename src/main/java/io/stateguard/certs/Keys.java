package io.stateguard.certs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Key pairs and the signature algorithms that go with them. The cryptography is the JDK's own
 * (SunEC): the keys are then plain JDK key objects that JSSE, Netty and Vert.x accept as they are,
 * and BouncyCastle never has to be installed as a JVM-wide security provider.
 */
final class Keys {

  /** The NIST P-256 curve: supported by every TLS stack the API server or a browser uses. */
  static final String CURVE = "secp256r1";

  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private Keys() {}

  static KeyPair generateEcP256(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE), random);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("this JVM cannot generate " + CURVE + " keys", e);
    }
  }

  /**
   * Whether {@code privateKey} is the other half of {@code publicKey}, found by signing a probe
   * with one and verifying with the other (works for every key type, unlike comparing encodings).
   */
  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = signatureAlgorithm(privateKey.getAlgorithm());
    if (!algorithm.equals(signatureAlgorithm(publicKey.getAlgorithm()))) {
      return false;
    }
    byte[] probe = "stateguard key pair probe".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> SIGNATURE_ALGORITHM;
      case "RSA" -> "SHA256withRSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default ->
          throw new IllegalArgumentException(
              "unsupported key algorithm " + keyAlgorithm + ": use an EC, RSA or EdDSA key");
    };
  }
}
