package io.stateguard.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.Finding;
import io.stateguard.policy.Mode;
import io.stateguard.policy.ObjectRef;
import io.stateguard.policy.RuleInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SARIF 2.1.0, for code-scanning tools: one run whose driver describes every rule of the catalogue;
 * one result per finding, located at the manifest's file and line and, logically, at the object;
 * inputs that could not be read as tool execution notifications. Findings on an object an exemption
 * applied to carry an accepted suppression with the exemption as justification.
 */
final class SarifRenderer implements Renderer {

  /** Besides ASCII letters and digits, what a path may hold unencoded in a URI reference. */
  private static final List<Character> UNRESERVED_MARKS = List.of('-', '.', '_', '~', '/');

  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  @Override
  public void render(Report report, Appendable out, boolean color) throws IOException {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();

    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "stateguard");
    driver.put("version", JsonOutput.text(report.toolVersion()));
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> ruleIndex = new HashMap<>();
    for (RuleInfo rule : report.rules()) {
      ruleIndex.putIfAbsent(rule.id(), rules.size());
      rules.add(rule(rule));
    }

    ObjectNode invocation = run.putArray("invocations").addObject();
    // Some input could not be read: the run did not analyse everything it was given.
    invocation.put("executionSuccessful", report.problems().isEmpty());
    ArrayNode notifications = invocation.putArray("toolExecutionNotifications");
    for (LoadProblem problem : report.problems()) {
      ObjectNode notification = notifications.addObject();
      notification.put("level", "error");
      notification.putObject("message").put("text", JsonOutput.text(problem.message()));
      notification
          .putArray("locations")
          .addObject()
          .set("physicalLocation", place(problem.source()));
    }

    ArrayNode results = run.putArray("results");
    for (ObjectReport object : report.objects()) {
      for (Finding finding : Summary.bySeverity(object.findings())) {
        results.add(result(finding, object, ruleIndex));
      }
    }
    ObjectNode skipped = run.putObject("properties").putObject("skipped");
    Summary.sortedSkipped(report).forEach((kind, n) -> skipped.put(JsonOutput.text(kind), n));
    JsonOutput.write(root, out);
  }

  private static ObjectNode rule(RuleInfo rule) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("id", rule.id());
    node.putObject("shortDescription").put("text", JsonOutput.text(rule.summary()));
    node.putObject("fullDescription").put("text", JsonOutput.text(rule.why()));
    node.putObject("help").put("text", JsonOutput.text(rule.fix()));
    ObjectNode configuration = node.putObject("defaultConfiguration");
    if (rule.defaultMode() == Mode.OFF) {
      configuration.put("enabled", false);
    }
    configuration.put("level", level(rule.defaultMode()));
    ObjectNode properties = node.putObject("properties");
    properties.put("target", rule.target().kind());
    properties.put("defaultMode", rule.defaultMode().id());
    return node;
  }

  private static ObjectNode result(
      Finding finding, ObjectReport object, Map<String, Integer> ruleIndex) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("ruleId", JsonOutput.text(finding.rule()));
    // A finding of a rule outside the catalogue still names it; it just has no index to point at.
    Optional.ofNullable(ruleIndex.get(finding.rule())).ifPresent(i -> node.put("ruleIndex", i));
    node.put("level", level(finding.mode()));
    node.putObject("message").put("text", JsonOutput.text(finding.message()));

    ObjectNode location = node.putArray("locations").addObject();
    location.set("physicalLocation", place(object.source()));
    ObjectRef ref = finding.object();
    ObjectNode logical = location.putArray("logicalLocations").addObject();
    logical.put("name", JsonOutput.text(ref.name()));
    logical.put("fullyQualifiedName", JsonOutput.text(ref.toString()));
    logical.put("kind", "resource");

    // Stable across edits that only move the object within its file.
    node.putObject("partialFingerprints")
        .put(
            "stateguardObject/v1",
            JsonOutput.text(
                String.join(
                    "|",
                    finding.rule(),
                    ref.apiVersion(),
                    ref.kind(),
                    ref.namespace(),
                    ref.name(),
                    finding.field())));

    object
        .exemption()
        .ifPresent(
            reason -> {
              ObjectNode suppression = node.putArray("suppressions").addObject();
              suppression.put("kind", "external");
              suppression.put("status", "accepted");
              suppression.put("justification", JsonOutput.text(reason));
            });

    ObjectNode properties = node.putObject("properties");
    properties.put("mode", finding.mode().id());
    properties.set("object", JsonOutput.objectRef(ref));
    if (!finding.field().isEmpty()) {
      properties.put("field", JsonOutput.text(finding.field()));
    }
    if (!finding.policy().isEmpty()) {
      properties.put("policy", JsonOutput.text(finding.policy()));
    }
    return node;
  }

  /** The file (as a URI reference) and, when known, the line. */
  private static ObjectNode place(SourceLocation source) {
    ObjectNode physical = JsonOutput.MAPPER.createObjectNode();
    ObjectNode artifact = physical.putObject("artifactLocation");
    artifact.put("uri", uri(source.file()));
    if (source.file().equals("-")) {
      artifact.putObject("description").put("text", "standard input");
    }
    if (source.line() > 0) {
      physical.putObject("region").put("startLine", source.line());
    }
    return physical;
  }

  private static String level(Mode mode) {
    return switch (mode) {
      case ENFORCE -> "error";
      case WARN -> "warning";
      case AUDIT -> "note";
      case OFF -> "none";
    };
  }

  /**
   * The file as the user named it, as a URI reference: relative paths stay relative (code-scanning
   * tools resolve them against the repository root) with {@code \} turned into {@code /} and a
   * leading {@code ./} dropped; absolute paths become {@code file:} URIs; standard input ({@code
   * -}) becomes {@code stdin}. Anything outside the unreserved characters is percent-encoded as
   * UTF-8.
   */
  static String uri(String file) {
    if (file.equals("-")) {
      return "stdin";
    }
    String path = Text.wellFormed(file).replace('\\', '/');
    boolean drive =
        path.length() >= 3 && Character.isLetter(path.charAt(0)) && path.startsWith(":/", 1);
    if (drive) {
      return "file:///" + path.substring(0, 2) + encode(path.substring(2));
    }
    if (path.startsWith("/")) {
      return "file://" + encode(path);
    }
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    return encode(path);
  }

  private static String encode(String path) {
    StringBuilder out = new StringBuilder(path.length());
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || UNRESERVED_MARKS.contains(c))) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
