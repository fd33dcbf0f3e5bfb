package io.stateguard.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stateguard.policy.Defaults;
import io.stateguard.policy.ObjectRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns one document into manifests, skipped kinds or problems: parses it (YAML or JSON), checks it
 * is a Kubernetes object, flattens {@code List}s, reads the kinds stateguard knows into their model
 * classes, gives them the default namespace and the API server's defaults. Never throws for bad
 * input. Thread-safe.
 */
final class DocumentDecoder {

  private final JsonFactory json;
  private final YAMLFactory yaml;
  private final String defaultNamespace;

  /**
   * @param maxDocumentChars the largest document to read (the YAML reader has its own, smaller
   *     limit unless told otherwise)
   */
  DocumentDecoder(String defaultNamespace, long maxDocumentChars) {
    this.defaultNamespace = defaultNamespace;
    int limit = (int) Math.min(Integer.MAX_VALUE, maxDocumentChars);
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(limit);
    StreamReadConstraints constraints =
        StreamReadConstraints.builder().maxStringLength(limit).build();
    this.yaml = YAMLFactory.builder().loaderOptions(options).build();
    this.yaml.setStreamReadConstraints(constraints);
    this.json = JsonFactory.builder().streamReadConstraints(constraints).build();
  }

  JsonFactory json() {
    return json;
  }

  void decode(String file, Document doc, InputResult into) {
    TreeReader.Tree tree;
    try (JsonParser parser = parser(doc)) {
      tree = TreeReader.read(parser);
    } catch (DocumentException e) {
      into.problem(at(file, doc, e.line()), e.getMessage());
      return;
    } catch (JsonProcessingException e) {
      String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      int line = SyntaxMessages.problemLine(original);
      if (line == 0 && e.getLocation() != null) {
        line = e.getLocation().getLineNr();
      }
      into.problem(at(file, doc, line), syntaxMessage(doc, e));
      return;
    } catch (IOException e) {
      into.problem(at(file, doc, 0), "cannot be read: " + e.getMessage());
      return;
    }
    if (tree == null || tree.root().isNull()) {
      return; // an empty document, as Helm leaves for templates that render nothing
    }
    into.documents++;
    try {
      object(file, doc, tree, tree.root(), tree.line(), List.of(), into);
    } catch (RuntimeException e) {
      // A shape the checks above did not foresee: report it rather than abort the load.
      into.problem(
          at(file, doc, tree.line()),
          "cannot be read: " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }

  private JsonParser parser(Document doc) throws IOException {
    return doc.json() ? json.createParser(doc.text()) : yaml.createParser(doc.text());
  }

  private void object(
      String file,
      Document doc,
      TreeReader.Tree tree,
      JsonNode node,
      int line,
      List<Object> at,
      InputResult into) {
    SourceLocation where = at(file, doc, line);
    String what = at.isEmpty() ? "the document" : FieldPath.display(at);
    if (!node.isObject()) {
      into.problem(
          where,
          what
              + " is "
              + shape(node)
              + ", not a Kubernetes object (a mapping with apiVersion, kind and metadata)");
      return;
    }
    JsonNode apiVersion = node.get("apiVersion");
    JsonNode kind = node.get("kind");
    if (apiVersion == null && kind == null) {
      into.problem(where, what + " has no apiVersion and no kind: not a Kubernetes object");
      return;
    }
    for (String field : List.of("apiVersion", "kind")) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
        into.problem(where, what + " has no " + field + ": every Kubernetes object needs one");
        return;
      }
      if (!value.isTextual()) {
        into.problem(
            where,
            (at.isEmpty() ? "" : FieldPath.display(at) + ": ")
                + field
                + " must be a string, got "
                + TypedReader.describe(value));
        return;
      }
    }
    if (isList(node)) {
      items(file, doc, tree, node, line, at, where, into);
      return;
    }
    Kinds.Decision decision = Kinds.decide(apiVersion.asText(), kind.asText());
    if (decision instanceof Kinds.Read read) {
      typed(file, doc, node, at, where, read.typed(), into);
    } else if (decision instanceof Kinds.Reject reject) {
      into.problem(where, refOf(node, reject.namespaced()) + ": " + reject.message());
    } else if (decision instanceof Kinds.Skip skip) {
      into.skip(skip.key());
    }
  }

  /**
   * {@code kind: List}, or any {@code FooList} with items, as {@code kubectl get -o yaml} writes.
   */
  private static boolean isList(JsonNode node) {
    String kind = node.get("kind").asText();
    return kind.equals("List") || (kind.endsWith("List") && node.has("items"));
  }

  private void items(
      String file,
      Document doc,
      TreeReader.Tree tree,
      JsonNode list,
      int listLine,
      List<Object> at,
      SourceLocation where,
      InputResult into) {
    JsonNode items = list.get("items");
    if (items == null || items.isNull()) {
      return;
    }
    if (!items.isArray()) {
      into.problem(
          where,
          "items of a "
              + list.get("kind").asText()
              + " must be a list, got "
              + TypedReader.describe(items));
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      // Only the document's own items have recorded lines; nested lists use their list's line.
      int line = at.isEmpty() && i < tree.itemLines().size() ? tree.itemLines().get(i) : listLine;
      List<Object> path = new ArrayList<>(at);
      path.add("items");
      path.add(i);
      object(file, doc, tree, items.get(i), line, path, into);
    }
  }

  private void typed(
      String file,
      Document doc,
      JsonNode node,
      List<Object> at,
      SourceLocation where,
      Kinds.Typed typed,
      InputResult into) {
    String ref = refOf(node, typed.namespaced());
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      into.problem(
          where, ref + ": metadata must be a mapping, got " + TypedReader.describe(metadata));
      return;
    }
    JsonNode name = node.path("metadata").path("name");
    if (!name.isTextual() || name.asText().isEmpty()) {
      into.problem(where, missingName(node, name));
      return;
    }
    TypedReader.Result<? extends HasMetadata> result = TypedReader.read(node, typed.type());
    for (TypedReader.Failure failure : result.failures()) {
      List<Object> path = new ArrayList<>(at);
      path.addAll(failure.path());
      SourceLocation there = at(file, doc, lineOf(doc, path));
      String field = FieldPath.display(failure.path());
      into.problem(
          there,
          failure.message().equals("unknown field")
              ? ref + ": unknown field " + field + " (the API server rejects unknown fields)"
              : ref + ": " + (field.isEmpty() ? "" : field + ": ") + failure.message());
    }
    if (result.value() == null) {
      return;
    }
    HasMetadata object = result.value();
    if (!typed.namespaced()) {
      object.getMetadata().setNamespace(null); // the API server ignores it for cluster-wide kinds
    } else if (isEmpty(object.getMetadata().getNamespace())) {
      object.getMetadata().setNamespace(defaultNamespace);
    }
    Defaults.apply(object);
    // Mutations change only StatefulSets; their written form is what patched manifests start from.
    Optional<JsonNode> written =
        object instanceof StatefulSet ? Optional.of(node) : Optional.empty();
    into.manifests.add(new Manifest(object, where, written));
  }

  private static String missingName(JsonNode node, JsonNode name) {
    String kind = node.path("kind").asText();
    if (!name.isMissingNode() && !name.isNull() && !name.isTextual()) {
      return kind + ": metadata.name must be a string, got " + TypedReader.describe(name);
    }
    if (node.path("metadata").path("generateName").isTextual()) {
      return kind + " has only metadata.generateName: give it a metadata.name so it can be checked";
    }
    return kind + " has no metadata.name: every object needs a name";
  }

  private int lineOf(Document doc, List<Object> path) {
    try (JsonParser parser = parser(doc)) {
      return FieldPath.line(parser, path);
    } catch (IOException e) {
      return 0;
    }
  }

  /** How a message names the object: {@code statefulset demo/web}, as the rules do. */
  private String refOf(JsonNode node, boolean namespaced) {
    JsonNode metadata = node.path("metadata");
    String name = metadata.path("name").isTextual() ? metadata.path("name").asText() : "";
    String ns = metadata.path("namespace").isTextual() ? metadata.path("namespace").asText() : "";
    if (namespaced && ns.isEmpty()) {
      ns = defaultNamespace;
    }
    ObjectRef ref =
        new ObjectRef(
            node.path("apiVersion").asText(),
            node.path("kind").asText(),
            namespaced ? ns : "",
            name);
    return ref.toString();
  }

  private static SourceLocation at(String file, Document doc, int lineInDocument) {
    return new SourceLocation(file, doc.inputLine(lineInDocument), doc.template());
  }

  private static String shape(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "the string " + TypedReader.quote(node.asText());
    }
    return node.isNumber() || node.isBoolean() ? "the value " + node.asText() : "a scalar";
  }

  /** Jackson's and SnakeYAML's syntax errors, down to one line without their internals. */
  static String syntaxMessage(Document doc, JsonProcessingException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String kind =
        e instanceof StreamConstraintsException
            ? "too large or too deeply nested to read: "
            : doc.json() ? "invalid JSON: " : "invalid YAML: ";
    return kind + SyntaxMessages.clean(original);
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
