package io.stateguard.admission;

/** Small text helpers for messages that travel in headers, logs and responses. */
final class Texts {

  private Texts() {}

  /**
   * {@code text} on one line: control characters (newlines, tabs, escapes) become spaces, so a
   * value a client sent cannot forge log lines or break an HTTP header.
   */
  static String oneLine(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append(' ');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * {@code text} cut to at most {@code max} code points, ending in an ellipsis when cut; never
   * splits a surrogate pair.
   */
  static String clip(String text, int max) {
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    int end = text.offsetByCodePoints(0, max - 1);
    return text.substring(0, end) + "…";
  }
}
