package io.stateguard.report;

/**
 * Makes text from manifests and rule messages safe to write. Messages quote what users wrote
 * (names, annotation values, environment values), so they may hold anything: line breaks, terminal
 * escape sequences, characters no XML document may contain, or half of a surrogate pair.
 */
final class Text {

  private Text() {}

  /** {@code s} with each unpaired surrogate (which no encoder can write) replaced by U+FFFD. */
  static String wellFormed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
                  && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1))
              || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
      if (Character.isSurrogate(c) && !paired) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  /**
   * {@code s} for a terminal: every control character, line break and bidirectional override
   * becomes a visible escape ({@code \n}, {@code \u001b}, {@code \u202e}), so one message stays on
   * one line, cannot move the cursor or change colours, and reads in the order it is stored.
   */
  static String printable(String s) {
    String text = wellFormed(s);
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                  if (Character.isISOControl(cp) || invisibleLayout(cp)) {
                    out.append(escape(cp));
                  } else {
                    out.appendCodePoint(cp);
                  }
                }
              }
            });
    return out.toString();
  }

  /** {@code \}{@code uXXXX} for a character of the Basic Multilingual Plane. */
  static String escape(int cp) {
    return String.format("\\u%04x", cp);
  }

  /** Line and paragraph separators and the bidirectional controls ("Trojan Source"). */
  private static boolean invisibleLayout(int cp) {
    return cp == 0x061C
        || cp == 0x200E
        || cp == 0x200F
        || cp >= 0x202A && cp <= 0x202E
        || cp >= 0x2066 && cp <= 0x2069
        || cp == 0x2028
        || cp == 0x2029;
  }
}
