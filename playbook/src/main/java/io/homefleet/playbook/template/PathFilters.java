package io.homefleet.playbook.template;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Filters on POSIX paths with Python's {@code os.path} semantics. */
final class PathFilters {
  private PathFilters() {}

  static List<AnsibleFilter> all() {
    return List.of(
        AnsibleFilter.of("basename", (v, a) -> basename(Py.str(v))),
        AnsibleFilter.of("dirname", (v, a) -> dirname(Py.str(v))),
        AnsibleFilter.of("expanduser", (v, a) -> expanduser(Py.str(v))),
        AnsibleFilter.of("realpath", (v, a) -> realpath(Py.str(v))),
        AnsibleFilter.of("splitext", (v, a) -> splitext(Py.str(v))));
  }

  static String basename(String p) {
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** {@code os.path.dirname}: everything before the last slash, trailing slashes dropped unless all slashes. */
  static String dirname(String p) {
    String head = p.substring(0, p.lastIndexOf('/') + 1);
    if (!head.isEmpty() && !head.chars().allMatch(c -> c == '/')) {
      head = head.replaceAll("/+$", "");
    }
    return head;
  }

  static String expanduser(String p) {
    if (p.equals("~") || p.startsWith("~/")) {
      return System.getProperty("user.home") + p.substring(1);
    }
    return p;
  }

  /** {@code os.path.realpath}: absolute, normalised, symbolic links resolved as far as the path exists. */
  static String realpath(String p) {
    Path path = Path.of(p).toAbsolutePath().normalize();
    Path existing = path;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        return real.resolve(existing.relativize(path)).normalize().toString();
      } catch (IOException e) {
        existing = existing.getParent();
      }
    }
    return path.toString();
  }


  /** {@code os.path.splitext}: [root, ext]; leading dots of the file name do not start an extension. */
  static List<String> splitext(String p) {
    int slash = p.lastIndexOf('/');
    int dot = p.lastIndexOf('.');
    if (dot > slash) {
      int nameStart = slash + 1;
      int firstNonDot = nameStart;
      while (firstNonDot < p.length() && p.charAt(firstNonDot) == '.') {
        firstNonDot++;
      }
      if (dot >= firstNonDot) {
        return List.of(p.substring(0, dot), p.substring(dot));
      }
    }
    return List.of(p, "");
  }
}
