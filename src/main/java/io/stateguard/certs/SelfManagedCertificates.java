package io.stateguard.certs;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stateguard's own certificates in a cluster: a CA and a serving certificate kept in one Secret,
 * the CA trusted by both webhook configurations, the serving pair written to a folder the HTTPS
 * server watches and reloads from.
 *
 * <p>The Secret is the one source of truth all replicas share. The first replica to start creates
 * it; replicas that race to create it lose with 409 AlreadyExists, read the winner's and use it, so
 * there is only ever one CA. Every change is an update with the resourceVersion read (a conflict
 * means another replica changed it: read again and decide again). Each check ({@link #check()},
 * periodically) reads the Secret, renews what is due ({@link Renewal} has the rules, including how
 * a CA rotates without any client failing), writes the files when they differ, and sets the
 * caBundle of the webhook configurations when it differs. A replica thus picks up a Secret renewed
 * by another at its next check.
 *
 * <p>Blocking; {@link #ensure()} and {@link #check()} are serialized. Meant for one worker thread
 * off the event loops.
 */
public final class SelfManagedCertificates {

  private static final Logger LOGGER = LoggerFactory.getLogger(SelfManagedCertificates.class);

  /** How often a check re-reads, re-decides and re-writes when a write met a conflict. */
  private static final int ATTEMPTS = 5;

  /** How soon a check runs again while a webhook configuration could not be brought up to date. */
  static final Duration RETRY = Duration.ofSeconds(5);

  /**
   * What to keep and where.
   *
   * @param namespace stateguard's own namespace, where the Secret lives
   * @param secretName the Secret's name
   * @param names what the serving certificate must cover (the Service's DNS names)
   * @param validatingWebhook the ValidatingWebhookConfiguration to keep the caBundle of
   * @param mutatingWebhook the MutatingWebhookConfiguration to keep the caBundle of, if any
   * @param dir the folder the PEM files go to ({@code ca.crt}, {@code tls.crt}, {@code tls.key})
   * @param validity how long a serving certificate is valid
   * @param renewBefore how long before its expiry it is renewed; empty: a third of the validity
   * @param caValidity how long a CA is valid (at least three times {@code validity})
   */
  public record Settings(
      String namespace,
      String secretName,
      SubjectNames names,
      String validatingWebhook,
      Optional<String> mutatingWebhook,
      Path dir,
      Duration validity,
      Optional<Duration> renewBefore,
      Duration caValidity) {

    /**
     * @throws IllegalArgumentException when the lifetimes do not fit together, saying why
     */
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(secretName, "secretName");
      Objects.requireNonNull(names, "names");
      Objects.requireNonNull(validatingWebhook, "validatingWebhook");
      Objects.requireNonNull(mutatingWebhook, "mutatingWebhook");
      Objects.requireNonNull(dir, "dir");
      lifetimes(validity, renewBefore, caValidity);
    }

    Renewal.Lifetimes lifetimes() {
      return lifetimes(validity, renewBefore, caValidity);
    }

    private static Renewal.Lifetimes lifetimes(
        Duration validity, Optional<Duration> renewBefore, Duration caValidity) {
      return Renewal.Lifetimes.of(validity, renewBefore, caValidity);
    }
  }

  /** The certificates could not be set up; the message names the object, the verb and why. */
  public static final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    SetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private final WebhookCaBundles webhooks;
  private final Runnable beforeWrite;
  private final String where;

  /** The bundle every existing webhook configuration was last seen to carry. */
  private String published;

  /** Whether the last publish left a configuration behind (then the next check comes sooner). */
  private volatile boolean behind;

  public SelfManagedCertificates(KubernetesClient client, Settings settings, Clock clock) {
    this(client, settings, clock, () -> {});
  }

  /**
   * @param beforeWrite run after the Secret was read and before it is created or updated: lets
   *     tests make another replica write in between
   */
  SelfManagedCertificates(
      KubernetesClient client, Settings settings, Clock clock, Runnable beforeWrite) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.beforeWrite = beforeWrite;
    this.webhooks =
        new WebhookCaBundles(client, settings.validatingWebhook(), settings.mutatingWebhook());
    this.where = "secret " + settings.namespace() + "/" + settings.secretName();
  }

  /** The serving certificate chain the server is to load. */
  public Path certFile() {
    return settings.dir().resolve(CertificateFiles.TLS_CERT);
  }

  /** Its private key. */
  public Path keyFile() {
    return settings.dir().resolve(CertificateFiles.TLS_KEY);
  }

  /** The trust bundle, as written for clients ({@code ca.crt}). */
  public Path caFile() {
    return settings.dir().resolve(CertificateFiles.CA_CERT);
  }

  /**
   * Reads or creates the Secret, renews what is due, writes the files and sets the caBundle of the
   * webhook configurations. Run before the server listens, so it has a certificate from the start.
   *
   * @return the serving certificate now in the files
   * @throws SetupException when the Secret cannot be read, created or updated (naming the Secret,
   *     its namespace and the verb that was refused) or the files cannot be written; a webhook
   *     configuration that is missing or cannot be patched is logged and retried, never thrown
   */
  public synchronized TlsMaterial ensure() throws SetupException {
    CertificateSecret state = settle();
    try {
      if (CertificateFiles.writeServing(
          settings.dir(), state.bundlePem(), state.serving().orElseThrow())) {
        LOGGER
            .atInfo()
            .addKeyValue("dir", settings.dir())
            .addKeyValue("notAfter", state.serving().orElseThrow().certificate().getNotAfter())
            .log("serving certificate written to {}", settings.dir());
      }
    } catch (IOException e) {
      throw new SetupException(
          "cannot write the certificate files to " + settings.dir() + ": " + e.getMessage(), e);
    }
    String bundle = state.caBundle();
    List<WebhookCaBundles.Outcome> outcomes = webhooks.publish(bundle);
    behind =
        outcomes.contains(WebhookCaBundles.Outcome.FAILED)
            || outcomes.contains(WebhookCaBundles.Outcome.MISSING);
    // A missing configuration sends nobody to stateguard, so it cannot hold up a CA rotation.
    published = outcomes.contains(WebhookCaBundles.Outcome.FAILED) ? null : bundle;
    return state.serving().orElseThrow();
  }

  /** As {@link #ensure()}, for the periodic check: problems are logged, never thrown. */
  public void check() {
    try {
      ensure();
    } catch (SetupException | RuntimeException e) {
      LOGGER
          .atError()
          .addKeyValue("secret", settings.secretName())
          .addKeyValue("namespace", settings.namespace())
          .log(
              "certificate check failed: {}; the certificate in force stays, tried again at the next"
                  + " check",
              e.getMessage());
    }
  }

  /**
   * Runs {@link #check()} on {@code executor} every {@code interval} (every few seconds while a
   * webhook configuration is missing or could not be patched), until the executor is shut down.
   */
  public void schedule(ScheduledExecutorService executor, Duration interval) {
    executor.schedule(
        () -> {
          check();
          if (!executor.isShutdown()) {
            schedule(executor, behind && RETRY.compareTo(interval) < 0 ? RETRY : interval);
          }
        },
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Reads, decides and writes until the Secret holds what it should. */
  private CertificateSecret settle() throws SetupException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Secret found = get();
      Optional<CertificateSecret> current = Optional.empty();
      if (found != null) {
        try {
          current = Optional.of(CertificateSecret.parse(found.getData(), where));
        } catch (IOException | IllegalArgumentException e) {
          LOGGER
              .atWarn()
              .addKeyValue("secret", settings.secretName())
              .addKeyValue("namespace", settings.namespace())
              .log(
                  "{} holds no usable CA ({}): it is replaced by a new CA and serving certificate",
                  where,
                  e.getMessage());
        }
      }
      boolean nextPublished = current.isPresent() && current.get().caBundle().equals(published);
      Renewal.Decision decision =
          Renewal.decide(current, settings.names(), settings.lifetimes(), nextPublished, clock);
      if (!decision.changed()) {
        return decision.secret();
      }
      beforeWrite.run();
      try {
        if (found == null) {
          create(decision.secret());
        } else {
          update(found, decision.secret());
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          LOGGER
              .atInfo()
              .addKeyValue("secret", settings.secretName())
              .addKeyValue("namespace", settings.namespace())
              .log(
                  "{} was {} by another replica meanwhile: reading it again",
                  where,
                  found == null ? "created" : "changed");
          continue;
        }
        throw failure(found == null ? "create" : "update", e);
      }
      LOGGER
          .atInfo()
          .addKeyValue("secret", settings.secretName())
          .addKeyValue("namespace", settings.namespace())
          .addKeyValue(
              "notAfter", decision.secret().serving().orElseThrow().certificate().getNotAfter())
          .log(
              "{} {}: {}",
              where,
              found == null ? "created" : "renewed",
              String.join("; ", decision.reasons()));
      return decision.secret();
    }
    throw new SetupException(
        where + " kept changing while it was being renewed (" + ATTEMPTS + " conflicts in a row)",
        null);
  }

  private Secret get() throws SetupException {
    try {
      return client
          .secrets()
          .inNamespace(settings.namespace())
          .withName(settings.secretName())
          .get();
    } catch (KubernetesClientException e) {
      throw failure("get", e);
    }
  }

  private void create(CertificateSecret state) {
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(settings.secretName())
            .withNamespace(settings.namespace())
            .addToLabels("app.kubernetes.io/name", "stateguard")
            .addToLabels("app.kubernetes.io/component", "serving-certificate")
            .addToAnnotations(
                "stateguard.io/managed",
                "made and renewed by stateguard serve (--certs-mode self); deleting it makes a new CA")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(state.data())
            .build();
    client.secrets().inNamespace(settings.namespace()).resource(secret).create();
  }

  /** Replaces the data; the resourceVersion read makes a concurrent change a 409. */
  private void update(Secret found, CertificateSecret state) {
    Secret secret = new SecretBuilder(found).withData(state.data()).build();
    client.secrets().inNamespace(settings.namespace()).resource(secret).update();
  }

  private SetupException failure(String verb, KubernetesClientException e) {
    if (e.getCode() == 403) {
      String scope =
          verb.equals("create")
              ? "secrets in namespace " + settings.namespace()
              : "the secret " + settings.secretName() + " in namespace " + settings.namespace();
      return new SetupException(
          "cannot "
              + verb
              + " "
              + where
              + ": forbidden; the service account needs the verb '"
              + verb
              + "' on "
              + scope
              + " (a Role bound to it; the chart grants it with certificates.mode: self)",
          e);
    }
    return new SetupException("cannot " + verb + " " + where + ": " + reason(e), e);
  }

  static String reason(KubernetesClientException e) {
    String status = e.getStatus() == null ? null : e.getStatus().getMessage();
    String message = status != null && !status.isBlank() ? status : e.getMessage();
    return (e.getCode() > 0 ? "HTTP " + e.getCode() + ", " : "")
        + (message == null ? e.getClass().getSimpleName() : message.strip());
  }
}
