package io.stateguard.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.Finding;
import java.io.IOException;
import java.util.Map;

/**
 * The machine format: one JSON document whose schema is {@code docs/report.schema.json}. Every key
 * is always present (null where there is no value), so consumers never test for absence. {@code
 * schemaVersion} changes only when a key is removed or changes meaning; new keys may appear without
 * it.
 */
final class JsonRenderer implements Renderer {

  /** The version of the document's schema. */
  static final int SCHEMA_VERSION = 1;

  @Override
  public void render(Report report, Appendable out, boolean color) throws IOException {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "stateguard");
    tool.put("version", JsonOutput.text(report.toolVersion()));
    root.set("summary", summary(Summary.of(report)));

    ArrayNode objects = root.putArray("objects");
    ArrayNode results = root.putArray("results");
    for (ObjectReport object : report.objects()) {
      objects.add(object(object));
      for (Finding finding : Summary.bySeverity(object.findings())) {
        results.add(result(finding, object.source()));
      }
    }
    ArrayNode problems = root.putArray("problems");
    for (LoadProblem problem : report.problems()) {
      ObjectNode node = problems.addObject();
      node.set("source", source(problem.source()));
      node.put("message", JsonOutput.text(problem.message()));
    }
    ObjectNode skipped = root.putObject("skipped");
    for (Map.Entry<String, Integer> kind : Summary.sortedSkipped(report).entrySet()) {
      skipped.put(JsonOutput.text(kind.getKey()), kind.getValue());
    }
    JsonOutput.write(root, out);
  }

  private static ObjectNode summary(Summary summary) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("objects", summary.objects());
    node.put("denied", summary.denied());
    node.put("exempt", summary.exempt());
    node.put("mutated", summary.mutated());
    node.put("errors", summary.errors());
    node.put("warnings", summary.warnings());
    node.put("info", summary.info());
    node.put("skipped", summary.skipped());
    node.put("problems", summary.problems());
    return node;
  }

  private static ObjectNode object(ObjectReport object) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.set("object", JsonOutput.objectRef(object.object()));
    node.set("source", source(object.source()));
    node.put("allowed", object.allowed());
    node.put("exemption", object.exemption().map(JsonOutput::text).orElse(null));
    ArrayNode rules = node.putArray("rulesChecked");
    object.rulesChecked().forEach(rule -> rules.add(JsonOutput.text(rule)));
    ArrayNode mutations = node.putArray("mutations");
    object.mutations().forEach(id -> mutations.add(JsonOutput.text(id)));
    ArrayNode patch = node.putArray("patch");
    object.patch().operations().forEach(op -> patch.add(JsonOutput.wellFormed(op)));
    return node;
  }

  private static ObjectNode result(Finding finding, SourceLocation source) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("rule", JsonOutput.text(finding.rule()));
    node.put("severity", finding.severity().id());
    node.put("mode", finding.mode().id());
    node.set("object", JsonOutput.objectRef(finding.object()));
    node.set("source", source(source));
    node.put("message", JsonOutput.text(finding.message()));
    node.put("field", finding.field().isEmpty() ? null : JsonOutput.text(finding.field()));
    node.put("policy", finding.policy().isEmpty() ? null : JsonOutput.text(finding.policy()));
    return node;
  }

  /** {@code {"file", "line"}}; the line is null when unknown. */
  private static ObjectNode source(SourceLocation source) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("file", JsonOutput.text(source.file()));
    if (source.line() > 0) {
      node.put("line", source.line());
    } else {
      node.putNull("line");
    }
    return node;
  }
}
