package io.stateguard.admission;

/** The two admission endpoints the API server calls. */
enum Endpoint {
  /** {@code POST /validate}: allow or deny, with warnings. */
  VALIDATE("/validate"),
  /** {@code POST /mutate}: allow, with the patch the policies want applied. */
  MUTATE("/mutate");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  String path() {
    return path;
  }

  /** The metric label: the path without its slash. */
  String id() {
    return path.substring(1);
  }
}
