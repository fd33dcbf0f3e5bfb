package io.stateguard.policy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a container image reference that decide its default pull policy, read with the
 * grammar of the OCI distribution reference ({@code [domain/]path[:tag][@digest]}).
 *
 * <p>The API server defaults {@code imagePullPolicy} to {@code Always} exactly when the parsed tag
 * is {@code latest}, and a reference with neither tag nor digest counts as {@code :latest}. A
 * reference that does not parse (an empty image, upper-case letters in the repository path) has no
 * tag, so it gets {@code IfNotPresent}.
 */
final class ImageReference {

  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
  private static final String NAME =
      "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE =
      Pattern.compile("(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");
  private static final int MAX_NAME_LENGTH = 255;

  private ImageReference() {}

  /**
   * The tag the API server sees in {@code image}: the explicit tag, {@code latest} when the
   * reference names neither tag nor digest, empty when it has only a digest or does not parse.
   */
  static Optional<String> tag(String image) {
    if (image == null || image.isEmpty() || IDENTIFIER.matcher(image).matches()) {
      return Optional.empty();
    }
    Matcher m = REFERENCE.matcher(image);
    if (!m.matches() || m.group(1).length() > MAX_NAME_LENGTH) {
      return Optional.empty();
    }
    String tag = m.group(2);
    String digest = m.group(3);
    if (tag == null && digest == null) {
      return Optional.of("latest");
    }
    return Optional.ofNullable(tag);
  }

  /** The pull policy the API server gives a container with {@code image} that names none. */
  static String defaultPullPolicy(String image) {
    return tag(image).filter("latest"::equals).isPresent() ? "Always" : "IfNotPresent";
  }
}
