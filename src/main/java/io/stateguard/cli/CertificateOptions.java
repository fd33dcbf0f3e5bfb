package io.stateguard.cli;

import io.stateguard.admission.CertificatesConfig;
import io.stateguard.admission.ServeConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --certs-*} flags of {@code serve}; each has its {@code STATEGUARD_CERTS_*} variable.
 */
final class CertificateOptions {

  @Option(
      names = "--certs-mode",
      paramLabel = "MODE",
      description =
          "files: --tls-cert and --tls-key (or development certificates); self: make and renew a"
              + " CA and serving certificate in a Secret and set the caBundle of the webhook"
              + " configurations [STATEGUARD_CERTS_MODE]. Default: files.")
  String mode;

  @Option(
      names = "--certs-secret",
      paramLabel = "NAME",
      description =
          "self: the Secret holding the CA and serving certificate [STATEGUARD_CERTS_SECRET]."
              + " Default: stateguard-tls.")
  String secret;

  @Option(
      names = "--certs-namespace",
      paramLabel = "NAMESPACE",
      description =
          "self: stateguard's namespace, of the Secret and the Service"
              + " [STATEGUARD_CERTS_NAMESPACE]. Default: the service account's.")
  String namespace;

  @Option(
      names = "--certs-service",
      paramLabel = "NAME",
      description =
          "self: the Service the API server calls; the certificate covers its DNS names"
              + " [STATEGUARD_CERTS_SERVICE]. Default: stateguard.")
  String service;

  @Option(
      names = "--certs-validating-webhook",
      paramLabel = "NAME",
      description =
          "self: the ValidatingWebhookConfiguration whose caBundle is set"
              + " [STATEGUARD_CERTS_VALIDATING_WEBHOOK]. Default: stateguard.")
  String validatingWebhook;

  @Option(
      names = "--certs-mutating-webhook",
      paramLabel = "NAME",
      description =
          "self: the MutatingWebhookConfiguration whose caBundle is set, or none"
              + " [STATEGUARD_CERTS_MUTATING_WEBHOOK]. Default: stateguard.")
  String mutatingWebhook;

  @Option(
      names = "--certs-dir",
      paramLabel = "DIR",
      description =
          "self: where ca.crt, tls.crt and tls.key are written for the server to load"
              + " [STATEGUARD_CERTS_DIR]. Default: stateguard-certs.")
  String dir;

  @Option(
      names = "--certs-validity",
      paramLabel = "DURATION",
      description =
          "self: how long a serving certificate is valid, such as 2160h or 90d"
              + " [STATEGUARD_CERTS_VALIDITY]. Default: 2160h.")
  String validity;

  @Option(
      names = "--certs-renew-before",
      paramLabel = "DURATION",
      description =
          "self: how long before expiry it is renewed [STATEGUARD_CERTS_RENEW_BEFORE]."
              + " Default: a third of the validity.")
  String renewBefore;

  @Option(
      names = "--certs-ca-validity",
      paramLabel = "DURATION",
      description =
          "self: how long a CA is valid, at least three times the validity"
              + " [STATEGUARD_CERTS_CA_VALIDITY]. Default: 87600h.")
  String caValidity;

  @Option(
      names = "--certs-check-interval",
      paramLabel = "DURATION",
      description =
          "self: how often the Secret is read again, for renewals (also another replica's)"
              + " [STATEGUARD_CERTS_CHECK_INTERVAL]. Default: 1m.")
  String checkInterval;

  /** Lays the flags given over {@code values}. */
  void putInto(Map<String, String> values) {
    put(values, CertificatesConfig.MODE, mode);
    put(values, CertificatesConfig.SECRET, secret);
    put(values, CertificatesConfig.NAMESPACE, namespace);
    put(values, CertificatesConfig.SERVICE, service);
    put(values, CertificatesConfig.VALIDATING_WEBHOOK, validatingWebhook);
    put(values, CertificatesConfig.MUTATING_WEBHOOK, mutatingWebhook);
    put(values, CertificatesConfig.DIR, dir);
    put(values, CertificatesConfig.VALIDITY, validity);
    put(values, CertificatesConfig.RENEW_BEFORE, renewBefore);
    put(values, CertificatesConfig.CA_VALIDITY, caValidity);
    put(values, CertificatesConfig.CHECK_INTERVAL, checkInterval);
  }

  private static void put(Map<String, String> values, ServeConfig.Setting setting, String flag) {
    if (flag != null) {
      values.put(setting.key(), flag);
    }
  }
}
