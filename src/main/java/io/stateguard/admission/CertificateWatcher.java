package io.stateguard.admission;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a new serving certificate in force when its files change, without a restart: the pair is
 * read and checked ({@link ServingCertificate}), then handed to the running server with {@code
 * updateSSLOptions(options, true)}. {@code force} matters: the options name the same kind of
 * content as before, and without it Vert.x keeps the old certificate. Connections already open keep
 * the certificate they were made with; new ones get the new one. A pair that fails the check (a
 * writer between the two files, an expired certificate) is logged and counted, the certificate in
 * force stays, and the pair is tried again when the files change again.
 *
 * <p>{@link #read()} is blocking and runs on a worker; {@link #apply} runs on an event loop.
 */
final class CertificateWatcher {

  private static final Logger LOGGER = LoggerFactory.getLogger(CertificateWatcher.class);

  private final Path certFile;
  private final Path keyFile;
  private final Vertx vertx;
  private final Clock clock;
  private final WebhookMetrics metrics;
  private final AtomicReference<ServingCertificate> current;
  private String seen;

  CertificateWatcher(
      Path certFile,
      Path keyFile,
      ServingCertificate loaded,
      String loadedFiles,
      Vertx vertx,
      Clock clock,
      WebhookMetrics metrics) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.vertx = vertx;
    this.clock = clock;
    this.metrics = metrics;
    this.current = new AtomicReference<>(loaded);
    this.seen = loadedFiles;
  }

  /** The certificate in force. */
  ServingCertificate current() {
    return current.get();
  }

  /** A changed pair that passed the check; null when nothing changed or the pair is unusable. */
  synchronized ServingCertificate read() {
    String now;
    try {
      now = Fingerprint.of(List.of(certFile, keyFile));
    } catch (IOException e) {
      LOGGER
          .atWarn()
          .log("cannot read the certificate files to check for changes: {}", e.toString());
      return null;
    }
    if (now.equals(seen)) {
      return null;
    }
    seen = now;
    try {
      return ServingCertificate.read(certFile, keyFile, vertx, clock);
    } catch (IOException e) {
      metrics.certificateReload(false);
      LOGGER
          .atError()
          .addKeyValue("certificate", certFile)
          .addKeyValue("key", keyFile)
          .addKeyValue("serving", current.get().fingerprint())
          .log(
              "certificate not reloaded: {}; the certificate in force stays",
              Texts.oneLine(e.getMessage()));
      return null;
    }
  }

  /** Hands {@code next} to the server; the future tells whether it is in force. */
  Future<Boolean> apply(ServingCertificate next, Supplier<HttpServer> server) {
    HttpServer target = server.get();
    if (target == null) {
      return Future.succeededFuture(false);
    }
    return target
        .updateSSLOptions(next.sslOptions(), true)
        .onSuccess(
            updated -> {
              current.set(next);
              metrics.certificateReload(true);
              LOGGER
                  .atInfo()
                  .addKeyValue("fingerprint", next.fingerprint())
                  .addKeyValue("subject", next.leaf().getSubjectX500Principal().getName())
                  .addKeyValue("notAfter", next.leaf().getNotAfter().toInstant())
                  .log("serving certificate reloaded; new connections use it");
              if (next.notYetValid(clock.instant())) {
                LOGGER
                    .atWarn()
                    .addKeyValue("notBefore", next.leaf().getNotBefore().toInstant())
                    .log("the new certificate is not valid yet: is this machine's clock behind?");
              }
            })
        .onFailure(
            e -> {
              metrics.certificateReload(false);
              LOGGER
                  .atError()
                  .addKeyValue("serving", current.get().fingerprint())
                  .log(
                      "certificate not reloaded: the server refused it ({}); the certificate in"
                          + " force stays",
                      Texts.oneLine(String.valueOf(e.getMessage())));
            });
  }
}
