package io.stateguard.report;

/**
 * The text of one YAML document or one top-level JSON value, and where it sits in its input.
 *
 * @param text the document's own text
 * @param firstLine the 1-based line of the input on which {@code text} begins
 * @param json whether the text is JSON (read strictly as JSON, never as YAML)
 * @param template the chart template named by a Helm {@code # Source:} comment, or empty
 */
record Document(String text, int firstLine, boolean json, String template) {

  /** The input line of a 1-based line within {@link #text()}. */
  int inputLine(int lineInText) {
    return lineInText > 0 ? firstLine + lineInText - 1 : firstLine;
  }
}
