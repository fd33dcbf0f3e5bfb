package io.stateguard.report;

/**
 * Escaping for XML 1.0 text and attribute values. Characters that XML 1.0 forbids even as
 * references (most C0 controls, unpaired surrogates, U+FFFE, U+FFFF) are written as visible {@code
 * \}{@code uXXXX} text, so a message keeps its information and the document stays well-formed.
 */
final class Xml {

  private Xml() {}

  static String text(String s) {
    return escape(s, false);
  }

  /** For a value in double quotes; line breaks and tabs as references, which parsers keep. */
  static String attribute(String s) {
    return escape(s, true);
  }

  private static String escape(String s, boolean attribute) {
    String text = Text.wellFormed(s);
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            cp -> {
              switch (cp) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\'' -> out.append(attribute ? "&apos;" : "'");
                // A raw CR would be normalised away by the parser.
                case '\r' -> out.append("&#13;");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                default -> {
                  if (allowed(cp)) {
                    out.appendCodePoint(cp);
                  } else {
                    out.append(Text.escape(cp));
                  }
                }
              }
            });
    return out.toString();
  }

  /** The Char production of XML 1.0, less tab, LF and CR (handled above). */
  private static boolean allowed(int cp) {
    return cp >= 0x20 && cp <= 0xD7FF || cp >= 0xE000 && cp <= 0xFFFD || cp >= 0x10000;
  }
}
