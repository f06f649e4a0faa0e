package io.homefleet.playbook.template;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Version comparison as Ansible's {@code version} test does it by default ({@code LooseVersion}):
 * a version is split into runs of digits and runs of letters; numbers compare as numbers,
 * letters as strings, and a number sorts before a string in the same place.
 */
final class Versions {
  private static final Pattern COMPONENT = Pattern.compile("\\d+|[a-zA-Z]+");

  private Versions() {}

  static int compareLoose(String a, String b) {
    List<Object> x = components(a);
    List<Object> y = components(b);
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      Object p = x.get(i);
      Object q = y.get(i);
      int c;
      if (p instanceof Long m && q instanceof Long n) {
        c = Long.compare(m, n);
      } else if (p instanceof String m && q instanceof String n) {
        c = m.compareTo(n);
      } else {
        c = p instanceof Long ? -1 : 1;
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }

  private static List<Object> components(String version) {
    List<Object> out = new ArrayList<>();
    Matcher m = COMPONENT.matcher(version);
    while (m.find()) {
      String part = m.group();
      out.add(Character.isDigit(part.charAt(0)) ? (Object) Long.parseLong(part) : part);
    }
    return out;
  }
}
