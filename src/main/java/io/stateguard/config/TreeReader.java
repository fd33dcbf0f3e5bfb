package io.stateguard.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text of a policy file into {@link Node} trees, one per document, keeping where each key
 * and value was written. Multi-document YAML ({@code ---}) and concatenated JSON values both give
 * several documents; empty documents are dropped.
 *
 * <p>Scalars follow YAML 1.2 (as editors and JSON do): only {@code true} and {@code false} are
 * booleans; {@code yes}, {@code no}, {@code on} and {@code off} are strings, so {@code mode: off}
 * means the mode {@code off}.
 *
 * <p>Stateless and thread-safe.
 */
final class TreeReader {

  /** One document: where it starts and its root. */
  record Document(Node.Pos start, Node root) {}

  private static final Set<String> YAML_12_BOOLEANS =
      Set.of("true", "True", "TRUE", "false", "False", "FALSE");

  /** Far deeper than any policy; bounds the recursion of reading. */
  private static final int MAX_DEPTH = 64;

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();

  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(LIMITS).build();

  // The builder does not start from the parser's defaults: an empty value ("key:") must be null.
  private static final YAMLFactory YAML =
      YAMLFactory.builder()
          .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
          .streamReadConstraints(LIMITS)
          .build();

  private TreeReader() {}

  /**
   * The documents of {@code text}, JSON when {@code json} is set, else YAML. A syntax error is
   * added to {@code problems} and ends the reading: what follows it cannot be trusted.
   */
  static List<Document> read(String text, boolean json, Problems problems) {
    Optional<Node.Pos> unprintable = unprintable(text);
    if (unprintable.isPresent()) {
      int c = text.codePointAt(offset(text, unprintable.get()));
      problems.add(
          unprintable.get(),
          "",
          String.format(
              "character U+%04X is not allowed in %s: is this a binary file?",
              c, json ? "JSON" : "YAML"));
      return List.of();
    }
    List<Document> documents = new ArrayList<>();
    try (JsonParser parser = json ? JSON.createParser(text) : YAML.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        Node root = value(parser, token, "", problems);
        if (!isEmpty(root)) {
          documents.add(new Document(root.pos(), root));
        }
      }
    } catch (JsonProcessingException e) {
      Syntax syntax = syntax(e);
      problems.add(
          syntax.pos(), "", (json ? "invalid JSON: " : "invalid YAML: ") + syntax.message());
      return List.of();
    } catch (IOException e) {
      // The text is in memory: no I/O can fail.
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /**
   * Whether a document is empty: nothing between two {@code ---}, or only comments, which the
   * parser gives as null or as an empty string.
   */
  private static boolean isEmpty(Node root) {
    return root instanceof Node.Scalar s
        && (s.kind() == Node.Scalar.Kind.NULL
            || s.kind() == Node.Scalar.Kind.STRING && s.value().equals(""));
  }

  private static Node value(JsonParser parser, JsonToken token, String path, Problems problems)
      throws IOException {
    Node.Pos pos = pos(parser);
    switch (token) {
      case START_OBJECT:
        return mapping(parser, pos, path, problems);
      case START_ARRAY:
        List<Node> items = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          items.add(value(parser, next, path + "[" + items.size() + "]", problems));
        }
        return new Node.Sequence(pos, items);
      default:
        return scalar(parser, token, pos, path, problems);
    }
  }

  private static Node.Mapping mapping(
      JsonParser parser, Node.Pos pos, String path, Problems problems) throws IOException {
    Map<String, Node.Entry> entries = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Node.Pos keyPos = pos(parser);
      String keyPath = Fields.child(path, key);
      Node value = value(parser, parser.nextToken(), keyPath, problems);
      Node.Entry first = entries.get(key);
      if (first != null) {
        problems.add(
            keyPos, keyPath, "duplicate key (first at line " + first.keyPos().line() + ")");
      } else {
        entries.put(key, new Node.Entry(key, keyPos, value));
      }
    }
    return new Node.Mapping(pos, entries);
  }

  private static Node.Scalar scalar(
      JsonParser parser, JsonToken token, Node.Pos pos, String path, Problems problems)
      throws IOException {
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      problems.add(
          pos,
          path,
          "YAML aliases (*" + parser.getText() + ") are not supported: write the value out");
      return new Node.Scalar(pos, Node.Scalar.Kind.ALIAS, null);
    }
    return switch (token) {
      case VALUE_STRING -> new Node.Scalar(pos, Node.Scalar.Kind.STRING, parser.getText());
      case VALUE_NUMBER_INT ->
          new Node.Scalar(
              pos,
              Node.Scalar.Kind.INTEGER,
              parser.getNumberType() == JsonParser.NumberType.INT
                  ? Integer.valueOf(parser.getIntValue())
                  : parser.getNumberValue());
      case VALUE_NUMBER_FLOAT ->
          new Node.Scalar(pos, Node.Scalar.Kind.FLOAT, parser.getNumberValue());
      case VALUE_TRUE, VALUE_FALSE -> {
        String text = parser.getText();
        // YAML 1.1 spellings (yes, on, off, ...) are plain strings in YAML 1.2.
        yield YAML_12_BOOLEANS.contains(text)
            ? new Node.Scalar(pos, Node.Scalar.Kind.BOOLEAN, token == JsonToken.VALUE_TRUE)
            : new Node.Scalar(pos, Node.Scalar.Kind.STRING, text);
      }
      case VALUE_NULL -> new Node.Scalar(pos, Node.Scalar.Kind.NULL, null);
      default -> throw new IllegalStateException("unexpected token " + token + " at " + pos);
    };
  }

  private static Node.Pos pos(JsonParser parser) {
    JsonLocation location = parser.currentTokenLocation();
    return new Node.Pos(location.getLineNr(), location.getColumnNr());
  }

  /** A syntax error: where, and what, on one line. */
  record Syntax(Node.Pos pos, String message) {}

  private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):?");

  /**
   * The position and one-line message of a parser's error. SnakeYAML's messages span several lines:
   * each part is followed by {@code in 'reader', line L, column C:} and a quoted snippet with a
   * caret. The snippets go; the last mark is the error's own position (more exact than the one
   * Jackson reports), and an earlier mark says where the construct the error is in began.
   */
  static Syntax syntax(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    Node.Pos pos =
        where == null || where.getLineNr() < 1
            ? Node.Pos.NONE
            : new Node.Pos(where.getLineNr(), where.getColumnNr());
    String original = e.getOriginalMessage();
    if (original == null) {
      return new Syntax(pos, e.getClass().getSimpleName());
    }
    if (original.startsWith("Document nesting depth")) {
      return new Syntax(pos, "nested more than " + MAX_DEPTH + " levels deep");
    }
    if (original.startsWith("Expected a field name")) {
      return new Syntax(pos, "mapping keys must be plain values, not lists or maps");
    }
    // Each part of the message, with the mark that follows it, if any.
    List<String> parts = new ArrayList<>();
    List<Node.Pos> marks = new ArrayList<>();
    for (String line : original.split("\n")) {
      Matcher mark = MARK.matcher(line);
      if (mark.matches()) {
        if (!parts.isEmpty() && marks.get(marks.size() - 1) == null) {
          marks.set(
              marks.size() - 1,
              new Node.Pos(Integer.parseInt(mark.group(1)), Integer.parseInt(mark.group(2))));
        }
      } else if (!line.isBlank() && !line.startsWith("    ")) {
        parts.add(line.strip());
        marks.add(null);
      }
    }
    if (parts.isEmpty()) {
      return new Syntax(pos, original.strip());
    }
    int problem = -1;
    for (int i = 0; i < parts.size(); i++) {
      if (marks.get(i) != null) {
        problem = i;
      }
    }
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      message.append(i > 0 ? ": " : "").append(parts.get(i));
      if (i == problem) {
        pos = marks.get(i);
      } else if (marks.get(i) != null) {
        message
            .append(" at line ")
            .append(marks.get(i).line())
            .append(", column ")
            .append(marks.get(i).column());
      }
    }
    return new Syntax(pos, message.toString());
  }

  /**
   * Where the first character YAML does not allow is (C0 and C1 controls other than tab, line
   * breaks and NEL; U+FFFE and U+FFFF), if any. SnakeYAML rejects these without a position.
   */
  static Optional<Node.Pos> unprintable(String text) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      boolean allowed =
          c == '\t'
              || c == '\n'
              || c == '\r'
              || (c >= 0x20 && c <= 0x7E)
              || c == 0x85
              || (c >= 0xA0 && c <= 0xFFFD && !(c >= 0xD800 && c <= 0xDFFF))
              || c >= 0x10000;
      if (!allowed) {
        return Optional.of(new Node.Pos(line, column));
      }
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.charCount(c);
    }
    return Optional.empty();
  }

  private static int offset(String text, Node.Pos pos) {
    int i = 0;
    for (int line = 1; line < pos.line(); line++) {
      i = text.indexOf('\n', i) + 1;
    }
    return text.offsetByCodePoints(i, pos.column() - 1);
  }
}
