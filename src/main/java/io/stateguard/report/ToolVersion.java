package io.stateguard.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the running stateguard. The jar manifest names it when the build adds
 * implementation entries; otherwise the Maven descriptor that every packaged jar carries does. Run
 * from classes (tests, an IDE) it is {@code dev}.
 */
final class ToolVersion {

  private static final String DESCRIPTOR =
      "/META-INF/maven/io.stateguard/stateguard/pom.properties";

  private static final String CURRENT = lookUp();

  private ToolVersion() {}

  static String current() {
    return CURRENT;
  }

  private static String lookUp() {
    String fromManifest = ToolVersion.class.getPackage().getImplementationVersion();
    if (fromManifest != null && !fromManifest.isBlank()) {
      return fromManifest;
    }
    try (InputStream in = ToolVersion.class.getResourceAsStream(DESCRIPTOR)) {
      if (in != null) {
        Properties descriptor = new Properties();
        descriptor.load(in);
        String version = descriptor.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException e) {
      // A version is a label on the output, not worth failing a report for.
      return "dev";
    }
    return "dev";
  }
}
