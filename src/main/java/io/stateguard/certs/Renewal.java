package io.stateguard.certs;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what the certificate Secret should hold now: pure, no I/O, time from a {@link Clock}.
 *
 * <p><b>Serving certificate.</b> Reissued from the signing CA when it has less than {@code
 * renewBefore} left, is not valid yet, does not cover the wanted names, or is missing. The CA
 * stays, so the caBundle the API server trusts does not change.
 *
 * <p><b>CA rotation, in three steps, so that no client ever meets a certificate it does not
 * trust.</b> The API server trusts whatever the webhook configurations' caBundle says, and sees a
 * change only after it is patched; other replicas pick up a changed Secret only at their next
 * check. So a new CA must be trusted well before anything is served from it, and an old one must
 * stay trusted as long as anything signed by it may still be served:
 *
 * <ol>
 *   <li><b>Announce</b>, when the signing CA has less than twice the serving validity left: a next
 *       CA is generated and added to the bundle; it signs nothing yet.
 *   <li><b>Promote</b>, when the signing CA has less than one serving validity left, and only once
 *       the bundle holding the next CA is known to be in every webhook configuration: the next CA
 *       becomes the signing CA and a serving certificate is issued from it. The old CA stays in the
 *       bundle: replicas that have not seen the new Secret yet still serve certificates it signed.
 *   <li><b>Retire</b>: a CA leaves the bundle once it has expired. Serving certificates never
 *       outlive their CA ({@link X509Issuer}), so nothing it signed can still be valid.
 * </ol>
 *
 * When the signing CA has already expired (stateguard was not running for a long time), there is no
 * overlap to keep: a new CA signs at once, and clients trust it as soon as the webhook
 * configurations are patched.
 */
final class Renewal {

  /** What the Secret should hold, and why it changed (empty when it should stay as it is). */
  record Decision(CertificateSecret secret, List<String> reasons) {
    boolean changed() {
      return !reasons.isEmpty();
    }
  }

  /**
   * @param validity how long a serving certificate is valid
   * @param renewBefore how long before its expiry a serving certificate is replaced
   * @param caValidity how long a CA is valid; at least three times {@code validity}, so one CA
   *     outlives several serving certificates and a rotation has room for its three steps
   */
  record Lifetimes(Duration validity, Duration renewBefore, Duration caValidity) {
    Lifetimes {
      if (validity.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException(
            "the serving certificate validity must be at least 1h, was " + validity);
      }
      if (renewBefore.isNegative()
          || renewBefore.isZero()
          || renewBefore.compareTo(validity) >= 0) {
        throw new IllegalArgumentException(
            "renew-before ("
                + renewBefore
                + ") must be more than 0 and less than the validity ("
                + validity
                + ")");
      }
      if (caValidity.compareTo(validity.multipliedBy(3)) < 0) {
        throw new IllegalArgumentException(
            "the CA validity ("
                + caValidity
                + ") must be at least three times the serving validity ("
                + validity
                + "), so a CA rotation can be announced before it is used");
      }
    }

    /** Renewal when a third of the validity is left, as cert-manager does by default. */
    static Lifetimes of(Duration validity, Optional<Duration> renewBefore, Duration caValidity) {
      return new Lifetimes(validity, renewBefore.orElse(validity.dividedBy(3)), caValidity);
    }
  }

  private Renewal() {}

  /**
   * @param current what the Secret holds, empty when there is none (or nothing usable)
   * @param nextPublished whether every webhook configuration is known to trust the bundle of {@code
   *     current}, so its next CA may start signing
   */
  static Decision decide(
      Optional<CertificateSecret> current,
      SubjectNames names,
      Lifetimes lifetimes,
      boolean nextPublished,
      Clock clock) {
    if (current.isEmpty()) {
      CertificateAuthority ca = CertificateAuthority.generate(lifetimes.caValidity(), clock);
      TlsMaterial tls = ca.issue(names, lifetimes.validity(), clock);
      return new Decision(
          new CertificateSecret(List.of(ca.certificate()), ca, Optional.empty(), Optional.of(tls)),
          List.of("new CA " + TlsMaterial.subject(ca.certificate()) + " and serving certificate"));
    }
    CertificateSecret s = current.get();
    Instant now = clock.instant();
    List<String> reasons = new ArrayList<>();
    CertificateAuthority signing = s.signing();
    Optional<CertificateAuthority> next = s.next();
    List<X509Certificate> trusted = new ArrayList<>(s.trusted());
    boolean issue = false;
    Duration caLeft = Duration.between(now, notAfter(signing.certificate()));

    boolean expired = caLeft.isNegative() || caLeft.isZero();
    if (expired) {
      CertificateAuthority replacement =
          next.filter(n -> notAfter(n.certificate()).isAfter(now))
              .orElseGet(() -> CertificateAuthority.generate(lifetimes.caValidity(), clock));
      if (!trusted.contains(replacement.certificate())) {
        trusted.add(replacement.certificate());
      }
      reasons.add(
          "the CA "
              + TlsMaterial.subject(signing.certificate())
              + " expired at "
              + notAfter(signing.certificate())
              + ": "
              + TlsMaterial.subject(replacement.certificate())
              + " signs from now on (clients trust it once the webhook configurations carry it)");
      signing = replacement;
      next = Optional.empty();
      issue = true;
    } else if (next.isEmpty() && caLeft.compareTo(lifetimes.validity().multipliedBy(2)) <= 0) {
      CertificateAuthority announced = CertificateAuthority.generate(lifetimes.caValidity(), clock);
      next = Optional.of(announced);
      trusted.add(announced.certificate());
      reasons.add(
          "the CA "
              + TlsMaterial.subject(signing.certificate())
              + " expires at "
              + notAfter(signing.certificate())
              + ": the next CA "
              + TlsMaterial.subject(announced.certificate())
              + " joins the caBundle before it signs anything");
    } else if (next.isPresent() && caLeft.compareTo(lifetimes.validity()) <= 0 && nextPublished) {
      reasons.add(
          "the CA "
              + TlsMaterial.subject(signing.certificate())
              + " expires at "
              + notAfter(signing.certificate())
              + ": the next CA "
              + TlsMaterial.subject(next.get().certificate())
              + ", trusted by the webhook configurations, signs from now on");
      signing = next.get();
      next = Optional.empty();
      issue = true;
    }

    CertificateAuthority keepSigning = signing;
    Optional<CertificateAuthority> keepNext = next;
    List<X509Certificate> retired =
        CertificateSecret.without(
            trusted,
            c ->
                c.equals(keepSigning.certificate())
                    || keepNext.map(n -> n.certificate().equals(c)).orElse(false)
                    || notAfter(c).isAfter(now));
    if (!retired.isEmpty()) {
      trusted.removeAll(retired);
      for (X509Certificate c : retired) {
        reasons.add("the expired CA " + TlsMaterial.subject(c) + " leaves the caBundle");
      }
    }

    Optional<TlsMaterial> serving = s.serving();
    if (!issue) {
      Optional<String> why =
          serving.isEmpty()
              ? Optional.of("the stored serving certificate is missing or unusable")
              : servingReason(serving.get(), names, lifetimes.renewBefore(), now);
      if (why.isPresent()) {
        reasons.add(why.get());
        issue = true;
      }
    }
    if (issue) {
      serving = Optional.of(signing.issue(names, lifetimes.validity(), clock));
    }
    if (reasons.isEmpty()) {
      return new Decision(s, List.of());
    }
    return new Decision(new CertificateSecret(trusted, signing, next, serving), reasons);
  }

  /**
   * Why the serving certificate itself should be replaced. Only the leaf is looked at: the CA's
   * expiry is the rotation's business above, and looking at it here would reissue at every check
   * once the CA is close to its end.
   */
  private static Optional<String> servingReason(
      TlsMaterial tls, SubjectNames names, Duration renewBefore, Instant now) {
    X509Certificate leaf = tls.certificate();
    String which = "the serving certificate " + TlsMaterial.subject(leaf);
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Optional.of(which + " is not valid until " + leaf.getNotBefore().toInstant());
    }
    Duration left = Duration.between(now, notAfter(leaf));
    if (left.compareTo(renewBefore) < 0) {
      return Optional.of(
          which + " expires at " + notAfter(leaf) + ", within the renewal window " + renewBefore);
    }
    List<String> missing = names.missingFrom(leaf);
    if (!missing.isEmpty()) {
      return Optional.of(which + " does not cover " + String.join(", ", missing));
    }
    return Optional.empty();
  }

  private static Instant notAfter(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }
}
