package io.homefleet.playbook.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, order-keeping, unmodifiable copies of plain YAML values. {@code Map.copyOf} would lose
 * the order vars were written in and refuses the nulls YAML allows ({@code key: ~}).
 */
public final class Values {
  private Values() {}

  /** An unmodifiable deep copy of {@code map}, insertion order kept, null values allowed. */
  public static Map<String, Object> freeze(Map<String, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.put(e.getKey(), freezeValue(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** An unmodifiable deep copy of a plain value (maps and lists copied, scalars as they are). */
  @SuppressWarnings("unchecked")
  public static Object freezeValue(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), freezeValue(e.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(freezeValue(o));
      }
      return Collections.unmodifiableList(out);
    }
    return value;
  }
}
