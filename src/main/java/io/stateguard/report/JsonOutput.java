package io.stateguard.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stateguard.policy.ObjectRef;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;

/**
 * Writing JSON documents (the json and sarif formats): one pretty-printed layout, two-space
 * indentation and {@code \n} line ends on every platform, so output diffs cleanly. Jackson escapes
 * quotes, backslashes and control characters; {@link #text} makes every string well-formed first.
 */
final class JsonOutput {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final ObjectWriter WRITER;

  static {
    // The caller owns the output; Jackson must not close it.
    MAPPER.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withArrayIndenter(indenter)
            .withObjectIndenter(indenter);
    WRITER = MAPPER.writer(printer);
  }

  private JsonOutput() {}

  /** Writes {@code document} and a final line break. */
  static void write(JsonNode document, Appendable out) throws IOException {
    Writer writer = out instanceof Writer w ? w : new AppendableWriter(out);
    WRITER.writeValue(writer, document);
    writer.flush();
    out.append('\n');
  }

  static String text(String s) {
    return Text.wellFormed(s);
  }

  /** A copy of {@code node} with every string (keys too) made well-formed by {@link #text}. */
  static JsonNode wellFormed(JsonNode node) {
    if (node.isTextual()) {
      return MAPPER.getNodeFactory().textNode(text(node.asText()));
    }
    if (node.isArray()) {
      ArrayNode copy = MAPPER.createArrayNode();
      node.forEach(item -> copy.add(wellFormed(item)));
      return copy;
    }
    if (node.isObject()) {
      ObjectNode copy = MAPPER.createObjectNode();
      node.properties().forEach(e -> copy.set(text(e.getKey()), wellFormed(e.getValue())));
      return copy;
    }
    return node.deepCopy();
  }

  /** {@code {"apiVersion", "kind", "namespace", "name"}}; an empty namespace or name is null. */
  static ObjectNode objectRef(ObjectRef ref) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("apiVersion", text(ref.apiVersion()));
    node.put("kind", text(ref.kind()));
    node.put("namespace", ref.namespace().isEmpty() ? null : text(ref.namespace()));
    node.put("name", ref.name().isEmpty() ? null : text(ref.name()));
    return node;
  }

  /** Lets Jackson write to any {@link Appendable} (a StringBuilder, a PrintStream). */
  private static final class AppendableWriter extends Writer {
    private final Appendable out;

    AppendableWriter(Appendable out) {
      this.out = out;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      out.append(new String(chars, offset, length));
    }

    @Override
    public void write(String s, int offset, int length) throws IOException {
      out.append(s, offset, offset + length);
    }

    @Override
    public void flush() throws IOException {
      if (out instanceof Flushable flushable) {
        flushable.flush();
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
