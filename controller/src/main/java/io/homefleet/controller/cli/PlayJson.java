package io.homefleet.controller.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.homefleet.playbook.model.JsonValues;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON that {@code homefleet play} reads and prints while a run streams: task results in,
 * the lines of ansible-playbook's output out, with jackson-core's streaming parser and generator
 * (the object mapper costs every {@code play} its start-up for a handful of small documents).
 * Output is what Jackson's mapper prints: compact, or its default pretty printer. {@code --json}
 * documents still go through {@link Json}.
 */
final class PlayJson {
  private static final JsonFactory JSON = new JsonFactory();

  private PlayJson() {}

  /**
   * Parses one JSON value: objects as insertion-ordered maps, arrays as lists, integers as
   * Integer, Long or BigInteger (the smallest that holds them), other numbers as Double.
   *
   * @throws IllegalArgumentException when the text is not one JSON value
   */
  static Object parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("JSON: expected a value at offset 0");
      }
      Object v = JsonValues.read(p, false);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("JSON: expected the end of input at offset "
            + p.currentTokenLocation().getCharOffset());
      }
      return v;
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? 0 : e.getLocation().getCharOffset();
      throw new IllegalArgumentException("JSON: " + e.getOriginalMessage() + " at offset " + at, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line: {@code {"msg":"x","rc":1}}. */
  static String compact(Object value) {
    return write(value, false);
  }

  /** Jackson's default pretty printer's layout. */
  static String pretty(Object value) {
    return write(value, true);
  }

  private static String write(Object value, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      JsonValues.write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
