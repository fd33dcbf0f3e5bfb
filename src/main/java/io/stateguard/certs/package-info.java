/**
 * stateguard's own TLS material: a CA, serving certificates it signs for the webhook Service's DNS
 * names, their PEM files, and when to renew them.
 *
 * <p>The only package that uses BouncyCastle, and only inside: the public API speaks {@code
 * java.security} types ({@link java.security.cert.X509Certificate}, {@link
 * java.security.PrivateKey}). Time is always a {@link java.time.Clock} parameter. Entry points:
 * {@link io.stateguard.certs.CertificateAuthority#generate(java.time.Clock)}, {@link
 * io.stateguard.certs.CertificateAuthority#issue}, {@link io.stateguard.certs.CertificateFiles},
 * {@link io.stateguard.certs.TlsMaterial}, and {@link io.stateguard.certs.SelfManagedCertificates}
 * for certificates kept in a Secret and trusted through the webhook configurations' caBundle (the
 * only part that talks to the API server, with the fabric8 client).
 */
package io.stateguard.certs;
