package io.homefleet.playbook.source;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A YAML value together with where it was written. The loader walks these to build the model, so
 * that every error can name the line and column of the value it concerns; {@link #toPlain()}
 * gives the value as plain Java (maps, lists, strings, numbers, booleans, null) for vars and
 * module arguments.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

  Location location();

  /** The value as plain Java: {@code Map<String, Object>} (insertion order), {@code List<Object>}, scalars. */
  Object toPlain();

  /** A short name of the node's kind for messages ("a string", "a mapping", "a list"). */
  String kind();

  /**
   * A scalar with its resolved value: {@code String}, {@code Integer}/{@code Long}/{@code
   * BigInteger}, {@code Double}, {@code Boolean}, {@code null}, or {@link Unsafe} for {@code
   * !unsafe} strings.
   *
   * @param value the resolved value (YAML 1.1 rules, as Ansible's PyYAML: {@code yes} is true, {@code 0644} is 420)
   * @param text the scalar as written
   * @param location where it starts
   */
  record Scalar(Object value, String text, Location location) implements YamlNode {
    public Scalar {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(location, "location");
    }

    @Override
    public Object toPlain() {
      return value;
    }

    @Override
    public String kind() {
      if (value == null) {
        return "null";
      }
      if (value instanceof Boolean) {
        return "a boolean";
      }
      if (value instanceof Number) {
        return "a number";
      }
      return "a string";
    }

    /** True for strings, including {@code !unsafe} ones. */
    public boolean isString() {
      return value instanceof String || value instanceof Unsafe;
    }
  }

  /**
   * A mapping, its entries in the order written. Keys are scalars (the loader refuses others) and
   * unique (the loader reports duplicates and keeps the last, as Ansible does).
   */
  record Mapping(List<Entry> entries, Location location) implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
      Objects.requireNonNull(location, "location");
    }

    /** The value under {@code key}, if there is one. */
    public Optional<YamlNode> get(String key) {
      for (Entry e : entries) {
        if (e.key().equals(key)) {
          return Optional.of(e.value());
        }
      }
      return Optional.empty();
    }

    public Optional<Entry> entry(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    public boolean has(String key) {
      return entry(key).isPresent();
    }

    @Override
    public Object toPlain() {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Entry e : entries) {
        out.put(e.key(), e.value().toPlain());
      }
      return Collections.unmodifiableMap(out);
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /**
   * One key and its value.
   *
   * @param key the key as a string ({@code 1} and {@code true} keys become "1" and "true")
   * @param keyLocation where the key was written
   * @param value the value
   */
  record Entry(String key, Location keyLocation, YamlNode value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(keyLocation, "keyLocation");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A sequence, its items in order. */
  record Sequence(List<YamlNode> items, Location location) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
      Objects.requireNonNull(location, "location");
    }

    @Override
    public Object toPlain() {
      List<Object> out = new ArrayList<>(items.size());
      for (YamlNode n : items) {
        out.add(n.toPlain());
      }
      return Collections.unmodifiableList(out);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }
}
