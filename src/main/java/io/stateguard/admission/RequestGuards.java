package io.stateguard.admission;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The checks made before a body is read, and the plain-text error answers: wrong method (405),
 * wrong content type (415), too large (413), unknown path (404), and the rest of the failures the
 * router reports. Every answer says what was wrong and what is expected.
 */
final class RequestGuards {

  private static final Set<String> JSON_TYPES = Set.of("application/json");

  private RequestGuards() {}

  /**
   * Lets only {@code allowed} through (and HEAD where GET is allowed); 405 with an {@code Allow}
   * header otherwise. A platform handler: it runs before the body is read.
   */
  static PlatformHandler method(HttpMethod allowed, String purpose) {
    return rc -> method(rc, allowed, purpose);
  }

  /** Lets only JSON bodies through; 415 otherwise. Runs before the body is read. */
  static PlatformHandler json() {
    return RequestGuards::json;
  }

  private static void method(RoutingContext rc, HttpMethod allowed, String purpose) {
    HttpMethod method = rc.request().method();
    if (method.equals(allowed)
        || allowed.equals(HttpMethod.GET) && method.equals(HttpMethod.HEAD)) {
      rc.next();
      return;
    }
    rc.response().putHeader("allow", allowed.equals(HttpMethod.GET) ? "GET, HEAD" : allowed.name());
    error(
        rc,
        405,
        Texts.clip(Texts.oneLine(method.name()), 20)
            + " "
            + rc.request().path()
            + ": method not allowed; "
            + purpose);
  }

  private static void json(RoutingContext rc) {
    String type = rc.request().getHeader("content-type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (JSON_TYPES.contains(media)) {
      rc.next();
      return;
    }
    error(
        rc,
        415,
        (type == null
                ? "no content type"
                : "content type \"" + Texts.clip(Texts.oneLine(type), 80) + "\"")
            + " is not supported: send the AdmissionReview as application/json");
  }

  /** The answer to a request the router failed (body too large, a handler's exception, ...). */
  static void failure(RoutingContext rc, long bodyLimit) {
    int status = rc.statusCode() == -1 ? 500 : rc.statusCode();
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    String message =
        switch (status) {
          case 413 ->
              "the request body is larger than the limit of "
                  + bodyLimit
                  + " bytes (the API server's own limit is 3 MiB)";
          case 404 -> notFound(rc);
          case 405 -> rc.request().method() + " " + rc.request().path() + ": method not allowed";
          case 417 -> "only the 100-continue expectation is supported";
          default ->
              status >= 500
                  ? "stateguard failed to answer this request; the webhook's log has the details"
                  : "the request cannot be answered (HTTP " + status + ")";
        };
    if (status == 413) {
      // The rest of the body is not read: the connection cannot carry another request.
      rc.response().putHeader("connection", "close");
    }
    error(rc, status, message);
  }

  static String notFound(RoutingContext rc) {
    return Texts.clip(Texts.oneLine(rc.request().path()), 100)
        + ": no such endpoint; stateguard serves POST /validate, POST /mutate, GET /healthz,"
        + " GET /readyz and GET /metrics";
  }

  static void error(RoutingContext rc, int status, String message) {
    rc.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end(message + "\n", StandardCharsets.UTF_8.name());
  }
}
