package io.stateguard.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path to a field inside a document, as a list of field names (String) and list indexes
 * (Integer): how it reads in a message ({@code spec.template.spec.containers[0].image}), how it
 * comes out of Jackson's errors, and which line of the document it is on.
 */
final class FieldPath {

  private FieldPath() {}

  /** As messages show it: dots between names, {@code [i]} for indexes and for keys with dots. */
  static String display(List<Object> path) {
    StringBuilder out = new StringBuilder();
    for (Object segment : path) {
      if (segment instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        String name = segment.toString();
        if (name.isEmpty() || name.contains(".") || name.contains("/") || name.contains(" ")) {
          out.append('[').append(name).append(']');
        } else {
          if (out.length() > 0) {
            out.append('.');
          }
          out.append(name);
        }
      }
    }
    return out.toString();
  }

  /** The path of the value a Jackson mapping error is about. */
  static List<Object> of(JsonMappingException e) {
    List<Object> path = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.add(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.add(ref.getIndex());
      }
    }
    return path;
  }

  /** The path a JSON Pointer names in {@code root}: segments under lists become indexes. */
  static List<Object> ofPointer(JsonNode root, String pointer) {
    List<Object> path = new ArrayList<>();
    JsonNode node = root;
    if (pointer.isEmpty()) {
      return path;
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      String name = raw.replace("~1", "/").replace("~0", "~");
      if (node != null && node.isArray() && name.chars().allMatch(Character::isDigit)) {
        int index = Integer.parseInt(name);
        path.add(index);
        node = node.get(index);
      } else {
        path.add(name);
        node = node == null ? null : node.get(name);
      }
    }
    return path;
  }

  /** The value at {@code path} in {@code root}, or null when there is none. */
  static JsonNode at(JsonNode root, List<Object> path) {
    JsonNode node = root;
    for (Object segment : path) {
      if (node == null) {
        return null;
      }
      node = segment instanceof Integer i ? node.get(i) : node.get(segment.toString());
    }
    return node;
  }

  /**
   * The 1-based line of {@code path} in the document {@code parser} reads (the line of the field's
   * key, or of the list item), or of the deepest part of the path that exists there.
   */
  static int line(JsonParser parser, List<Object> path) {
    int best = 0;
    try {
      if (parser.nextToken() == null) {
        return 0;
      }
      best = parser.currentTokenLocation().getLineNr();
      for (Object segment : path) {
        JsonToken token = parser.currentToken();
        boolean found = false;
        if (token == JsonToken.START_OBJECT && segment instanceof String name) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            if (parser.currentName().equals(name)) {
              best = parser.currentTokenLocation().getLineNr();
              parser.nextToken();
              found = true;
              break;
            }
            parser.nextToken();
            parser.skipChildren();
          }
        } else if (token == JsonToken.START_ARRAY && segment instanceof Integer index) {
          int i = 0;
          JsonToken item;
          while ((item = parser.nextToken()) != null && item != JsonToken.END_ARRAY) {
            if (i++ == index) {
              best = parser.currentTokenLocation().getLineNr();
              found = true;
              break;
            }
            parser.skipChildren();
          }
        }
        if (!found) {
          return best;
        }
      }
      return best;
    } catch (IOException e) {
      // The document was read once already; a failure here only costs precision.
      return best;
    }
  }
}
