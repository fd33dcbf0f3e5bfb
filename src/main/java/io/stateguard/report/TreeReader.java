package io.stateguard.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one document into a tree the way the Kubernetes YAML reader sees it, recording the lines
 * the loader reports: where the document's object starts and where each item of a {@code List}
 * starts.
 *
 * <p>YAML anchors, aliases and {@code <<} merge keys are resolved (Jackson's parser alone would
 * read an alias as the anchor's name). Expansion is bounded, so an alias bomb fails instead of
 * exhausting memory. A key given twice in one mapping is an error, as it is for {@code kubectl}.
 * One instance reads one document; not thread-safe.
 */
final class TreeReader {

  /** Values that aliases may add to one document, beyond the values written out. */
  static final long MAX_ALIAS_VALUES = 1_000_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final JsonParser parser;
  private final YAMLParser yaml;
  private final Map<String, JsonNode> anchors = new HashMap<>();
  private final Map<String, Long> anchorSizes = new HashMap<>();
  private final List<Object> path = new ArrayList<>();
  private final List<Integer> itemLines = new ArrayList<>();
  private long values;
  private long aliasValues;

  /** A document's tree, the line its root starts on and the lines of its {@code items}. */
  record Tree(JsonNode root, int line, List<Integer> itemLines) {}

  private TreeReader(JsonParser parser) {
    this.parser = parser;
    this.yaml = parser instanceof YAMLParser y ? y : null;
  }

  /** The document's tree, or null when the document holds no value. */
  static Tree read(JsonParser parser) throws IOException, DocumentException {
    TreeReader reader = new TreeReader(parser);
    if (parser.nextToken() == null) {
      return null;
    }
    int line = reader.line();
    JsonNode root = reader.value(false);
    return new Tree(root, line, List.copyOf(reader.itemLines));
  }

  private JsonNode value(boolean recordItemLines) throws IOException, DocumentException {
    if (yaml != null && yaml.isCurrentAlias()) {
      return alias(parser.getText());
    }
    String anchor = yaml == null ? null : yaml.getObjectId();
    long before = values + aliasValues;
    JsonNode node =
        switch (parser.currentToken()) {
          case START_OBJECT -> object();
          case START_ARRAY -> array(recordItemLines);
          case VALUE_STRING -> NODES.textNode(parser.getText());
          case VALUE_NUMBER_INT -> integer();
          case VALUE_NUMBER_FLOAT ->
              parser.isNaN()
                  ? NODES.numberNode(parser.getDoubleValue())
                  : NODES.numberNode(parser.getDecimalValue());
          case VALUE_TRUE -> NODES.booleanNode(true);
          case VALUE_FALSE -> NODES.booleanNode(false);
          case VALUE_NULL -> NODES.nullNode();
          case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(parser.getEmbeddedObject());
          default -> throw new DocumentException(line(), "unexpected " + parser.currentToken());
        };
    values++;
    if (anchor != null) {
      anchors.put(anchor, node);
      anchorSizes.put(anchor, values + aliasValues - before);
    }
    return node;
  }

  private JsonNode integer() throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private ObjectNode object() throws IOException, DocumentException {
    ObjectNode node = NODES.objectNode();
    List<JsonNode> merges = new ArrayList<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      int line = line();
      parser.nextToken();
      path.add(name);
      boolean items = path.size() == 1 && name.equals("items");
      JsonNode value = value(items);
      if (yaml != null && name.equals("<<")) {
        merges.add(value);
      } else if (node.has(name)) {
        throw new DocumentException(line, "field " + FieldPath.display(path) + " is given twice");
      } else {
        node.set(name, value);
      }
      path.remove(path.size() - 1);
    }
    for (JsonNode merge : merges) {
      merge(node, merge);
    }
    return node;
  }

  /** A merge key adds the fields of one mapping, or of a list of them, that are not set. */
  private void merge(ObjectNode into, JsonNode from) throws DocumentException {
    if (from.isArray()) {
      for (JsonNode each : from) {
        merge(into, each);
      }
    } else if (from.isObject()) {
      for (Map.Entry<String, JsonNode> field : from.properties()) {
        if (!into.has(field.getKey())) {
          into.set(field.getKey(), field.getValue());
        }
      }
    } else {
      throw new DocumentException(
          line(), "a << merge key at " + FieldPath.display(path) + " must name a mapping");
    }
  }

  private ArrayNode array(boolean recordItemLines) throws IOException, DocumentException {
    ArrayNode node = NODES.arrayNode();
    int index = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() == null) {
        throw new DocumentException(line(), "the document ends inside a list");
      }
      if (recordItemLines) {
        itemLines.add(line());
      }
      path.add(index++);
      node.add(value(false));
      path.remove(path.size() - 1);
    }
    return node;
  }

  private JsonNode alias(String name) throws DocumentException {
    JsonNode node = anchors.get(name);
    if (node == null) {
      throw new DocumentException(line(), "alias *" + name + " names no anchor &" + name);
    }
    aliasValues += anchorSizes.get(name);
    if (aliasValues > MAX_ALIAS_VALUES) {
      throw new DocumentException(
          line(),
          "YAML aliases expand to more than "
              + MAX_ALIAS_VALUES
              + " values; refusing to read further (an alias bomb?)");
    }
    // Shared, not copied: trees are only read, and sharing keeps expansion cheap in memory.
    return node;
  }

  private int line() {
    return parser.currentTokenLocation().getLineNr();
  }
}
