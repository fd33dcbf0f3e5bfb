package io.stateguard.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Splits JSON text into its top-level values (one object, or a stream of them as {@code kubectl}
 * accepts), each with the line it starts on. A syntax error ends the stream: what follows it cannot
 * be located reliably. Not thread-safe.
 */
final class JsonDocuments implements AutoCloseable {

  private final String text;
  private final JsonParser parser;

  JsonDocuments(JsonFactory factory, String text) throws IOException {
    this.text = text;
    this.parser = factory.createParser(text);
  }

  /** The next value, or null at the end of the text. */
  Document next() throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      return null;
    }
    JsonLocation start = parser.currentTokenLocation();
    if (token.isScalarValue()) {
      parser.getText(); // scalars are read lazily: finish this one before taking its end
    }
    parser.skipChildren();
    long end = parser.currentLocation().getCharOffset();
    String value = text.substring((int) start.getCharOffset(), (int) end);
    return new Document(value, start.getLineNr(), true, "");
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
