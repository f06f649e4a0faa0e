package io.homefleet.playbook.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.homefleet.playbook.source.Unsafe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain values (maps, lists, strings, numbers, booleans, null) to and from JSON with
 * jackson-core's streaming parser and generator alone: the plan codec on the agent and the CLI's
 * play output read and write them without loading Jackson's object mapper.
 */
public final class JsonValues {
  /** How an {@link Unsafe} string is written, as Ansible writes it. */
  public static final String UNSAFE_KEY = "__ansible_unsafe";

  private JsonValues() {}

  /**
   * The value {@code p} is on: objects as insertion-ordered maps, arrays as lists, integers as
   * Integer, Long or BigInteger (the smallest that holds them), other numbers as Double; with
   * {@code unsafe}, {@code {"__ansible_unsafe": "..."}} is an {@link Unsafe}.
   */
  public static Object read(JsonParser p, boolean unsafe) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          p.nextToken();
          m.put(key, read(p, unsafe));
        }
        if (unsafe && m.size() == 1 && m.get(UNSAFE_KEY) instanceof String text) {
          return new Unsafe(text);
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          out.add(read(p, unsafe));
        }
        return out;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> p.getIntValue();
          case LONG -> p.getLongValue();
          default -> p.getBigIntegerValue();
        };
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      default:
        throw new IOException("unexpected " + p.currentToken() + " at " + p.currentLocation());
    }
  }

  /** Writes {@code v}; anything that is not a plain value is written as its string. */
  public static void write(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof java.math.BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof java.math.BigDecimal b) {
      g.writeNumber(b);
    } else if (v instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (v instanceof Unsafe u) {
      g.writeStartObject();
      g.writeStringField(UNSAFE_KEY, u.text());
      g.writeEndObject();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        write(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}
