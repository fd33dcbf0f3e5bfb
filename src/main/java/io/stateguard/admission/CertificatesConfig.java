package io.stateguard.admission;

import io.stateguard.admission.ServeConfig.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where serve's certificate comes from (the {@code STATEGUARD_CERTS_*} settings): certificate files
 * ({@code files}: {@code --tls-cert} and {@code --tls-key}, or development certificates), or
 * certificates stateguard makes and renews itself in a Secret of its namespace ({@code self}),
 * trusted through the caBundle it sets on its two webhook configurations.
 *
 * @param mode files or self
 * @param secretName the Secret holding the CA and the serving certificate (self)
 * @param namespace stateguard's namespace, where the Secret lives; empty: the client's (in a pod,
 *     the service account's namespace)
 * @param service the Service the API server calls, whose DNS names the certificate covers
 * @param validatingWebhook the ValidatingWebhookConfiguration whose caBundle is set
 * @param mutatingWebhook the MutatingWebhookConfiguration whose caBundle is set; empty: none
 * @param dir where the PEM files are written for the server to load and reload
 * @param validity how long a serving certificate is valid
 * @param renewBefore how long before expiry it is renewed; empty: when a third of it is left
 * @param caValidity how long a CA is valid
 * @param checkInterval how often the Secret is read again (renewals, and those of other replicas)
 */
public record CertificatesConfig(
    Mode mode,
    String secretName,
    Optional<String> namespace,
    String service,
    String validatingWebhook,
    Optional<String> mutatingWebhook,
    Path dir,
    Duration validity,
    Optional<Duration> renewBefore,
    Duration caValidity,
    Duration checkInterval) {

  /** Where the serving certificate comes from. */
  public enum Mode {
    FILES,
    SELF;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final Setting MODE =
      new Setting(
          "STATEGUARD_CERTS_MODE",
          "--certs-mode",
          "files",
          "files or self",
          "files: --tls-cert and --tls-key (or development certificates); self: make and renew a"
              + " CA and serving certificate in a Secret and set the caBundle of the webhook"
              + " configurations");
  public static final Setting SECRET =
      new Setting(
          "STATEGUARD_CERTS_SECRET",
          "--certs-secret",
          "stateguard-tls",
          "a Secret name",
          "self: the Secret holding the CA and the serving certificate");
  public static final Setting NAMESPACE =
      new Setting(
          "STATEGUARD_CERTS_NAMESPACE",
          "--certs-namespace",
          "the service account's namespace",
          "a namespace name",
          "self: stateguard's namespace, of the Secret and the Service");
  public static final Setting SERVICE =
      new Setting(
          "STATEGUARD_CERTS_SERVICE",
          "--certs-service",
          "stateguard",
          "a Service name",
          "self: the Service the API server calls; the certificate covers its DNS names");
  public static final Setting VALIDATING_WEBHOOK =
      new Setting(
          "STATEGUARD_CERTS_VALIDATING_WEBHOOK",
          "--certs-validating-webhook",
          "stateguard",
          "a ValidatingWebhookConfiguration name",
          "self: the ValidatingWebhookConfiguration whose caBundle is set");
  public static final Setting MUTATING_WEBHOOK =
      new Setting(
          "STATEGUARD_CERTS_MUTATING_WEBHOOK",
          "--certs-mutating-webhook",
          "stateguard",
          "a MutatingWebhookConfiguration name, or none",
          "self: the MutatingWebhookConfiguration whose caBundle is set");
  public static final Setting DIR =
      new Setting(
          "STATEGUARD_CERTS_DIR",
          "--certs-dir",
          "stateguard-certs",
          "a writable folder",
          "self: where ca.crt, tls.crt and tls.key are written for the server to load");
  public static final Setting VALIDITY =
      new Setting(
          "STATEGUARD_CERTS_VALIDITY",
          "--certs-validity",
          "2160h",
          "hours or days, such as 2160h or 90d, from 1h",
          "self: how long a serving certificate is valid");
  public static final Setting RENEW_BEFORE =
      new Setting(
          "STATEGUARD_CERTS_RENEW_BEFORE",
          "--certs-renew-before",
          "a third of the validity",
          "hours or days, less than the validity",
          "self: how long before expiry a serving certificate is renewed");
  public static final Setting CA_VALIDITY =
      new Setting(
          "STATEGUARD_CERTS_CA_VALIDITY",
          "--certs-ca-validity",
          "87600h",
          "hours or days, at least three times the validity",
          "self: how long a CA is valid (it is rotated, announced in the caBundle before use)");
  public static final Setting CHECK_INTERVAL =
      new Setting(
          "STATEGUARD_CERTS_CHECK_INTERVAL",
          "--certs-check-interval",
          "1m",
          "a duration from 1s to 10m",
          "self: how often the Secret is read again, for renewals (also another replica's)");

  /** The settings, in the order docs list them. */
  public static final List<Setting> SETTINGS =
      List.of(
          MODE,
          SECRET,
          NAMESPACE,
          SERVICE,
          VALIDATING_WEBHOOK,
          MUTATING_WEBHOOK,
          DIR,
          VALIDITY,
          RENEW_BEFORE,
          CA_VALIDITY,
          CHECK_INTERVAL);

  /** RFC 1123 subdomain, as Kubernetes requires of most object names. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern LONG_DURATION = Pattern.compile("(\\d{1,7})(h|d)");

  /** Whether stateguard makes its own certificates. */
  public boolean self() {
    return mode == Mode.SELF;
  }

  /** Reads the settings; problems go to {@code r}, and then null is returned. */
  static CertificatesConfig read(ServeConfig.Reader r) {
    Mode mode = r.read(MODE, CertificatesConfig::mode);
    String secret = r.read(SECRET, v -> name(v, SUBDOMAIN, "not a Secret name"));
    Optional<String> namespace =
        r.raw(NAMESPACE).equals(NAMESPACE.defaultValue())
            ? Optional.empty()
            : r.readOptional(NAMESPACE, v -> name(v, LABEL, "not a namespace name"));
    String service = r.read(SERVICE, v -> name(v, SERVICE_NAME, "not a Service name"));
    String validating =
        r.read(VALIDATING_WEBHOOK, v -> name(v, SUBDOMAIN, "not a configuration name"));
    String mutating =
        r.read(
            MUTATING_WEBHOOK,
            v -> v.equals("none") ? v : name(v, SUBDOMAIN, "not a configuration name"));
    Path dir = r.read(DIR, ServeConfig::path);
    Duration validity = r.read(VALIDITY, v -> longDuration(v, Duration.ofHours(1)));
    Optional<Duration> renewBefore =
        r.raw(RENEW_BEFORE).equals(RENEW_BEFORE.defaultValue())
            ? Optional.empty()
            : r.readOptional(RENEW_BEFORE, v -> longDuration(v, Duration.ofHours(1)));
    Duration caValidity = r.read(CA_VALIDITY, v -> longDuration(v, Duration.ofHours(3)));
    Duration check = r.read(CHECK_INTERVAL, v -> ServeConfig.duration(v, Duration.ofSeconds(1)));
    if (validity != null
        && renewBefore != null
        && renewBefore.isPresent()
        && renewBefore.get().compareTo(validity) >= 0) {
      r.problem(RENEW_BEFORE, r.raw(RENEW_BEFORE), "not less than the validity " + r.raw(VALIDITY));
    }
    if (validity != null
        && caValidity != null
        && caValidity.compareTo(validity.multipliedBy(3)) < 0) {
      r.problem(
          CA_VALIDITY,
          r.raw(CA_VALIDITY),
          "less than three times the validity "
              + r.raw(VALIDITY)
              + ", which a CA rotation needs (announce, then sign)");
    }
    if (mode == null
        || secret == null
        || service == null
        || validating == null
        || mutating == null
        || dir == null
        || validity == null
        || caValidity == null
        || check == null
        || renewBefore == null
        || namespace == null) {
      return null;
    }
    return new CertificatesConfig(
        mode,
        secret,
        namespace,
        service,
        validating,
        mutating.equals("none") ? Optional.empty() : Optional.of(mutating),
        dir,
        validity,
        renewBefore,
        caValidity,
        check);
  }

  private static Mode mode(String value) {
    for (Mode m : Mode.values()) {
      if (m.id().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("not a certificate mode");
  }

  private static String name(String value, Pattern pattern, String what) {
    if (value.length() > 253 || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what);
    }
    return value;
  }

  /** {@code 2160h} or {@code 90d}, at least {@code min}. */
  static Duration longDuration(String value, Duration min) {
    Matcher m = LONG_DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration in hours or days");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = m.group(2).equals("h") ? Duration.ofHours(n) : Duration.ofDays(n);
    if (d.compareTo(min) < 0) {
      throw new IllegalArgumentException("out of range");
    }
    return d;
  }
}
