/**
 * stateguard's own TLS material: a CA, serving certificates it signs for the webhook Service's DNS
 * names, their PEM files, and when to renew them.
 *
 * <p>The only package that uses BouncyCastle, and only inside: the public API speaks {@code
 * java.security} types ({@link java.security.cert.X509Certificate}, {@link
 * java.security.PrivateKey}). Time is always a {@link java.time.Clock} parameter. Entry points:
 * {@link io.stateguard.certs.CertificateAuthority#generate(java.time.Clock)}, {@link
 * io.stateguard.certs.CertificateAuthority#issue}, {@link io.stateguard.certs.CertificateFiles} and
 * {@link io.stateguard.certs.TlsMaterial}.
 */
package io.stateguard.certs;
