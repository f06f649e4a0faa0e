package io.homefleet.agent.exec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One before/after pair as Ansible returns it under {@code diff}: {@code before} and
 * {@code after} are the whole text (file content) or a small dict ({@code {path, state}}); the
 * headers name what is compared.
 */
public record Diff(Object before, Object after, String beforeHeader, String afterHeader) {
  public Diff {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    beforeHeader = beforeHeader == null ? "" : beforeHeader;
    afterHeader = afterHeader == null ? "" : afterHeader;
  }

  /** A diff of two texts of the same thing ({@code path}). */
  public static Diff text(String path, String before, String after) {
    return new Diff(before, after, path + " (content)", path + " (content)");
  }

  /** A diff of attributes ({@code {path, state, mode}}), as the file module reports one. */
  public static Diff attrs(String header, Map<String, Object> before, Map<String, Object> after) {
    return new Diff(new LinkedHashMap<>(before), new LinkedHashMap<>(after), header, header);
  }

  /** Ansible's shape: {@code {before, after, before_header, after_header}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("before", before);
    m.put("after", after);
    if (!beforeHeader.isEmpty()) {
      m.put("before_header", beforeHeader);
    }
    if (!afterHeader.isEmpty()) {
      m.put("after_header", afterHeader);
    }
    return m;
  }
}
