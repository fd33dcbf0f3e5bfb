package io.stateguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stateguard.admission.CertificatesConfig;
import io.stateguard.admission.ServeConfig;
import io.stateguard.certs.SelfManagedCertificates;
import io.stateguard.certs.SubjectNames;
import io.stateguard.certs.TlsMaterial;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --certs-mode self}: the certificates are set up before the server listens (so it
 * starts with one), then checked on a thread of their own, off the event loops. The server reads
 * the files the keeper writes and reloads them when they change, as it does any certificate files.
 */
final class SelfCertificates implements AutoCloseable {

  private static final Logger LOGGER = LoggerFactory.getLogger(SelfCertificates.class);

  private final ServeConfig config;
  private final ScheduledExecutorService checks;

  private SelfCertificates(ServeConfig config, ScheduledExecutorService checks) {
    this.config = config;
    this.checks = checks;
  }

  /** Setting up failed; the message says what to fix. */
  static final class StartException extends Exception {
    private static final long serialVersionUID = 1L;

    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Creates or reads the Secret, writes the files, sets the caBundle, and schedules the checks.
   *
   * @param client the API server; stays the caller's, used by the checks until {@link #close()}
   * @throws StartException when the Secret cannot be read or written, naming it and the verb
   */
  static SelfCertificates start(ServeConfig config, KubernetesClient client, Clock clock)
      throws StartException {
    CertificatesConfig c = config.certificates();
    String namespace = c.namespace().orElse(client.getNamespace());
    if (namespace == null || namespace.isBlank()) {
      throw new StartException(
          "no namespace for the certificate Secret: set "
              + CertificatesConfig.NAMESPACE.key()
              + " ("
              + CertificatesConfig.NAMESPACE.flag()
              + ")",
          null);
    }
    SelfManagedCertificates keeper;
    TlsMaterial serving;
    try {
      keeper =
          new SelfManagedCertificates(
              client,
              new SelfManagedCertificates.Settings(
                  namespace,
                  c.secretName(),
                  SubjectNames.forService(c.service(), namespace, List.of()),
                  c.validatingWebhook(),
                  c.mutatingWebhook(),
                  c.dir(),
                  c.validity(),
                  c.renewBefore(),
                  c.caValidity()),
              clock);
      serving = keeper.ensure();
    } catch (SelfManagedCertificates.SetupException | IllegalArgumentException e) {
      throw new StartException(e.getMessage(), e);
    }
    LOGGER
        .atInfo()
        .addKeyValue("secret", c.secretName())
        .addKeyValue("namespace", namespace)
        .addKeyValue("subject", serving.certificate().getSubjectX500Principal().getName())
        .addKeyValue("notAfter", serving.certificate().getNotAfter().toInstant())
        .log("self-managed certificate ready in secret {}/{}", namespace, c.secretName());
    ScheduledExecutorService checks =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stateguard-certificates");
              t.setDaemon(true);
              return t;
            });
    keeper.schedule(checks, c.checkInterval());
    return new SelfCertificates(
        config.withCertificateFiles(keeper.certFile(), keeper.keyFile()), checks);
  }

  /** The configuration with the certificate files set to those the keeper writes. */
  ServeConfig config() {
    return config;
  }

  /** Stops the checks; the files and the Secret stay. */
  @Override
  public void close() {
    checks.shutdownNow();
  }
}
