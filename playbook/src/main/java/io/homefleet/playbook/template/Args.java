package io.homefleet.playbook.template;

import java.util.Map;

/**
 * A filter's, test's or lookup's arguments, positional and by keyword as Jinja2 allows:
 * {@code combine(b, recursive=True)}.
 */
final class Args {
  private final String owner;
  private final Object[] positional;
  private final Map<String, Object> keywords;

  Args(String owner, Object[] positional, Map<String, Object> keywords) {
    this.owner = owner;
    this.positional = positional == null ? new Object[0] : positional;
    this.keywords = keywords == null ? Map.of() : keywords;
  }

  int size() {
    return positional.length;
  }

  Object[] positional() {
    return positional.clone();
  }

  Map<String, Object> keywords() {
    return keywords;
  }

  boolean has(int index, String name) {
    return (index >= 0 && index < positional.length) || (name != null && keywords.containsKey(name));
  }

  Object get(int index, String name, Object fallback) {
    if (name != null && keywords.containsKey(name)) {
      return keywords.get(name);
    }
    return index >= 0 && index < positional.length ? positional[index] : fallback;
  }

  Object required(int index, String name) {
    if (!has(index, name)) {
      throw new AnsibleFilter.FilterException(owner, "missing argument '" + name + "'");
    }
    return get(index, name, null);
  }

  String string(int index, String name, String fallback) {
    Object v = get(index, name, fallback);
    return v == null ? null : Py.str(v);
  }

  boolean bool(int index, String name, boolean fallback) {
    Object v = get(index, name, fallback);
    return v == null ? fallback : Templar.truthy(v);
  }

  void rejectUndefined() {
    for (Object o : positional) {
      if (o instanceof Undefined u) {
        throw u.error();
      }
    }
    for (Object o : keywords.values()) {
      if (o instanceof Undefined u) {
        throw u.error();
      }
    }
  }
}
