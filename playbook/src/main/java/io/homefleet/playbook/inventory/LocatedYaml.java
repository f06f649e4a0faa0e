package io.homefleet.playbook.inventory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML read into nodes that remember their line and column (Jackson's token locations), so
 * inventory errors can point at the place; {@link Node#plain()} gives the value as maps, lists
 * and scalars for vars.
 */
final class LocatedYaml {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private LocatedYaml() {}

  /** A value and where it starts. A mapping's value is a {@code Map<String, Node>}, a sequence's a {@code List<Node>}. */
  record Node(Object value, int line, int column) {
    boolean isMap() {
      return value instanceof Map<?, ?>;
    }

    @SuppressWarnings("unchecked")
    Map<String, Node> map() {
      return (Map<String, Node>) value;
    }

    Object plain() {
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put((String) k, ((Node) v).plain()));
        return out;
      }
      if (value instanceof List<?> l) {
        List<Object> out = new ArrayList<>();
        l.forEach(v -> out.add(((Node) v).plain()));
        return out;
      }
      return value;
    }

    String typeName() {
      return value == null ? "nothing" : value instanceof Map<?, ?> ? "a mapping"
          : value instanceof List<?> ? "a list" : "'" + value + "'";
    }
  }

  /** The document's root, or null for an empty document. */
  static Node read(Path file, String text) throws InventoryException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      return node(p, t);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw InventoryException.at(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
          "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InventoryException(file + ": " + e.getMessage(), e);
    }
  }

  private static Node node(JsonParser p, JsonToken t) throws IOException {
    JsonLocation l = p.currentTokenLocation();
    int line = l.getLineNr();
    int col = l.getColumnNr();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Node> map = new LinkedHashMap<>();
        while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
          String key = p.currentName();
          map.put(key, node(p, p.nextToken()));
        }
        return new Node(map, line, col);
      }
      case START_ARRAY -> {
        List<Node> list = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(node(p, t));
        }
        return new Node(list, line, col);
      }
      case VALUE_STRING -> {
        return new Node(p.getText(), line, col);
      }
      case VALUE_NUMBER_INT -> {
        return new Node(p.getNumberValue(), line, col);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Node(p.getDoubleValue(), line, col);
      }
      case VALUE_TRUE -> {
        return new Node(Boolean.TRUE, line, col);
      }
      case VALUE_FALSE -> {
        return new Node(Boolean.FALSE, line, col);
      }
      case VALUE_NULL -> {
        return new Node(null, line, col);
      }
      default -> {
        return new Node(p.getText(), line, col);
      }
    }
  }
}
