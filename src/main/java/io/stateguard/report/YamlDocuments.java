package io.stateguard.report;

import java.io.IOException;

/**
 * Splits a stream of YAML text into its documents, one at a time, so a large input never has to be
 * held whole. A line that starts with {@code ---} or {@code ...} followed by a space or nothing is
 * a document marker wherever it appears (YAML gives it that meaning even inside block scalars), so
 * splitting on lines is exact. Not thread-safe.
 */
final class YamlDocuments {

  private static final String HELM_SOURCE = "# Source:";

  private final LineSource reader;
  private String pendingMarker;
  private int pendingLine;

  YamlDocuments(LineSource reader) {
    this.reader = reader;
  }

  /** The next document with any content (comment-only and blank documents are passed over). */
  Document next() throws IOException {
    while (true) {
      Chunk chunk = readChunk();
      if (chunk == null) {
        return null;
      }
      if (chunk.hasContent) {
        return new Document(chunk.text.toString(), chunk.firstLine, false, chunk.template);
      }
    }
  }

  private Chunk readChunk() throws IOException {
    Chunk chunk = null;
    if (pendingMarker != null) {
      chunk = new Chunk(pendingLine);
      chunk.add(pendingMarker, true);
      pendingMarker = null;
    }
    String line;
    while ((line = reader.readLine()) != null) {
      if (isMarker(line, "---") && chunk != null && !chunk.isEmpty()) {
        pendingMarker = line;
        pendingLine = reader.linesRead();
        return chunk;
      }
      if (chunk == null) {
        chunk = new Chunk(reader.linesRead());
      }
      boolean startMarker = isMarker(line, "---");
      chunk.add(line, startMarker);
      if (isMarker(line, "...")) {
        return chunk;
      }
    }
    return chunk;
  }

  private static boolean isMarker(String line, String marker) {
    return line.startsWith(marker)
        && (line.length() == marker.length()
            || Character.isWhitespace(line.charAt(marker.length())));
  }

  /** One document's lines as they are read. */
  private static final class Chunk {
    final int firstLine;
    final StringBuilder text = new StringBuilder();
    boolean hasContent;
    String template = "";

    Chunk(int firstLine) {
      this.firstLine = firstLine;
    }

    boolean isEmpty() {
      return text.length() == 0;
    }

    void add(String line, boolean startMarker) {
      text.append(line).append('\n');
      if (!hasContent && line.startsWith("%")) {
        return; // a directive (%YAML, %TAG) belongs to the document that follows it
      }
      String content = (startMarker ? line.substring(3) : line).strip();
      if (!hasContent && content.startsWith(HELM_SOURCE) && template.isEmpty()) {
        template = content.substring(HELM_SOURCE.length()).strip();
      }
      if (!content.isEmpty() && !content.startsWith("#") && !isMarker(line, "...")) {
        hasContent = true;
      }
    }
  }
}
