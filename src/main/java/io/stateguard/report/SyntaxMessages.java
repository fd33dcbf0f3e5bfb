package io.stateguard.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reduces the parsers' error messages to one line a person can act on. SnakeYAML writes a context
 * ("while parsing a block mapping"), a problem ("expected <block end>, but found '-'") and, after
 * each, a location with an excerpt of the input; Jackson adds references to its own classes. The
 * location is reported separately (file:line), so only the words are kept.
 */
final class SyntaxMessages {

  private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column \\d+:");
  private static final Pattern CONSTRAINT_SOURCE = Pattern.compile(",? from `[^`]*`");
  private static final Pattern CHAR_CODE = Pattern.compile(" \\(code -?\\d+\\)");

  private SyntaxMessages() {}

  /**
   * The line SnakeYAML names for the problem (its last location, after the problem's words), or 0
   * when the message names none. Jackson's own location is where its reading stopped, which can be
   * the line before.
   */
  static int problemLine(String message) {
    int line = 0;
    Matcher m = MARK.matcher(message);
    while (m.find()) {
      line = Integer.parseInt(m.group(1));
    }
    return line;
  }

  static String clean(String message) {
    List<String> words = new ArrayList<>();
    String[] lines = message.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith(" in '")) {
        i += 2; // the location, then the excerpt and its caret
        continue;
      }
      if (!line.isBlank()) {
        words.add(line.strip());
      }
    }
    if (words.isEmpty()) {
      return "unreadable input";
    }
    String problem = words.get(words.size() - 1);
    if (problem.contains("\\t(TAB)")) {
      return "a tab where YAML allows none: indent with spaces";
    }
    if (problem.startsWith("Expected a field name")) {
      return "a mapping key must be a plain value, not a list or a mapping";
    }
    String context = words.size() > 1 ? words.get(0) : "";
    String text = context.isEmpty() ? problem : problem + " (" + context + ")";
    text = CONSTRAINT_SOURCE.matcher(text).replaceAll("");
    text = CHAR_CODE.matcher(text).replaceAll("");
    return text.replace("\t", "\\t").replace("`", "");
  }
}
