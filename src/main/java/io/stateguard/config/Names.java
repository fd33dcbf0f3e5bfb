package io.stateguard.config;

import java.util.regex.Pattern;

/**
 * The shapes of the names and patterns a policy contains. Each is a regular expression that means
 * the same in Java and in JSON Schema (ECMA 262), so the loader and {@code docs/policy.schema.json}
 * accept the same files.
 */
final class Names {

  private Names() {}

  /**
   * A shape: the expression (a body without anchors), the longest allowed value (0: no limit) and
   * what a value must be, for messages ({@code "x" is not <what>}).
   */
  record Shape(String regex, int maxLength, String what) {

    boolean matches(String value) {
      return (maxLength == 0 || value.length() <= maxLength)
          && Pattern.compile(anchored()).matcher(value).matches();
    }

    String problem(String value) {
      return "\"" + value + "\" is not " + what;
    }

    /** The expression anchored at both ends, as JSON Schema's {@code pattern} needs it. */
    String anchored() {
      return "^(" + regex + ")$";
    }
  }

  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS_SUBDOMAIN = DNS_LABEL + "(\\." + DNS_LABEL + ")*";
  private static final String QUALIFIED =
      "(" + DNS_SUBDOMAIN + "/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";

  static final Shape POLICY_NAME =
      new Shape(
          DNS_SUBDOMAIN,
          253,
          "a valid name: lower-case letters, digits, '-' and '.', starting and ending with a"
              + " letter or digit, at most 253 characters");

  static final Shape NAMESPACE_PATTERN =
      new Shape(
          "[-a-z0-9*?]+",
          0,
          "a namespace pattern: lower-case letters, digits and '-', with * for any run and ? for"
              + " one character");

  static final Shape IMAGE_PATTERN =
      new Shape(
          "\\S+", 0, "an image pattern: no blanks, with * for any run and ? for one character");

  static final Shape LABEL_KEY =
      new Shape(
          QUALIFIED,
          0,
          "a label key: an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_'"
              + " and '.', starting and ending with a letter or digit");

  static final Shape LABEL_VALUE =
      new Shape(
          "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?",
          0,
          "a label value: up to 63 letters, digits, '-', '_' and '.', starting and ending with a"
              + " letter or digit");

  static final Shape SERVICE_ACCOUNT =
      new Shape(
          DNS_LABEL + "/" + DNS_SUBDOMAIN,
          0,
          "a service account as namespace/name, like kube-system/statefulset-controller");

  static final Shape ANNOTATION_KEY_OR_EMPTY =
      new Shape(
          "(" + QUALIFIED + ")?",
          0,
          "an annotation key (like stateguard.io/break-glass), or \"\" to disable break-glass");

  static final Shape NOT_BLANK = new Shape(".*\\S.*", 0, "a name (it is blank)");

  /** A quorum percentage, 1% to 100%. */
  static final Shape PERCENT = new Shape("([1-9][0-9]?|100)%", 0, "a percentage from 1% to 100%");
}
