package io.homefleet.playbook.inventory;

/**
 * The subset of Python's {@code ast.literal_eval} Ansible applies to inline INI host vars:
 * integers, floats, True/False/None; anything else stays the string it was written as.
 */
final class PythonLiteral {
  private PythonLiteral() {}

  static Object parse(String text) {
    switch (text) {
      case "True" -> {
        return Boolean.TRUE;
      }
      case "False" -> {
        return Boolean.FALSE;
      }
      case "None" -> {
        return null;
      }
      default -> { }
    }
    if (text.matches("[-+]?\\d+")) {
      try {
        long v = Long.parseLong(text);
        return v == (int) v ? (Object) (int) v : (Object) v;
      } catch (NumberFormatException e) {
        return text;
      }
    }
    if (text.matches("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
      return Double.parseDouble(text);
    }
    return text;
  }
}
