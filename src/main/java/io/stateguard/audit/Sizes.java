package io.stateguard.audit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the sizes and durations of the audit settings. */
final class Sizes {

  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(Ki|Mi|Gi|KiB|MiB|GiB)?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)");

  private Sizes() {}

  /** Bytes in {@code 1048576}, {@code 512Mi} or {@code 1GiB}; -1 when it is none of these. */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      return -1;
    }
    try {
      long n = Long.parseLong(m.group(1));
      int shift =
          m.group(2) == null
              ? 0
              : switch (m.group(2).charAt(0)) {
                case 'K' -> 10;
                case 'M' -> 20;
                default -> 30;
              };
      if (n > (Long.MAX_VALUE >> shift)) {
        return -1;
      }
      return n << shift;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code 200ms}, {@code 5s}, {@code 1m}, {@code 1h} or ISO-8601 ({@code PT5S}); null if none. */
  static Duration duration(String text) {
    String t = text.strip();
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
