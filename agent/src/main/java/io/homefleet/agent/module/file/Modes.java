package io.homefleet.agent.module.file;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code mode}: an octal string ({@code "0644"}, {@code "644"}), a number (YAML reads
 * {@code 0644} as the integer 420, which is the mode itself), or a symbolic mode as chmod(1)
 * takes it ({@code u+rwx,g-w,o=r}, {@code a+X}), applied to the current mode.
 */
public final class Modes {
  private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3,4}");
  private static final Pattern CLAUSE = Pattern.compile("([ugoa]*)([-+=])([rwxXst]*|[ugo])");

  private Modes() {}

  /** A mode as it was asked for, resolved against the current one later. */
  public record Spec(String text, Optional<Integer> absolute) {
    /** The resulting permission bits for a file whose mode is {@code current} now. */
    public int resolve(int current, boolean directory) throws IllegalArgumentException {
      return absolute.isPresent() ? absolute.get() : symbolic(text, current, directory);
    }
  }

  /** Parses the argument; a number is taken as the mode's value, a string of digits as octal. */
  public static Spec parse(Object raw) throws IllegalArgumentException {
    if (raw instanceof Number n) {
      long v = n.longValue();
      if (v < 0 || v > 07777) {
        throw new IllegalArgumentException("mode " + raw + " is out of range; quote octal modes: mode: '0644'");
      }
      return new Spec(raw.toString(), Optional.of((int) v));
    }
    String s = String.valueOf(raw).trim();
    if (OCTAL.matcher(s).matches()) {
      return new Spec(s, Optional.of(Integer.parseInt(s, 8)));
    }
    if (s.startsWith("0o") && OCTAL.matcher(s.substring(2)).matches()) {
      return new Spec(s, Optional.of(Integer.parseInt(s.substring(2), 8)));
    }
    symbolic(s, 0, false); // validates
    return new Spec(s, Optional.empty());
  }

  /** Applies chmod-style clauses ({@code u+x,go-w}) to {@code current}. */
  static int symbolic(String mode, int current, boolean directory) {
    int result = current & 07777;
    for (String clause : mode.split(",")) {
      Matcher m = CLAUSE.matcher(clause.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("mode must be in octal or symbolic form, got: " + mode
            + " (e.g. '0644' or 'u=rw,g=r,o=r')");
      }
      String who = m.group(1).isEmpty() || m.group(1).contains("a") ? "ugo" : m.group(1);
      char op = m.group(2).charAt(0);
      String perms = m.group(3);
      int bits = 0;
      if (perms.length() == 1 && "ugo".contains(perms)) {
        int shift = perms.equals("u") ? 6 : perms.equals("g") ? 3 : 0;
        int rwx = (result >> shift) & 7;
        bits = spread(who, rwx);
      } else {
        int rwx = 0;
        for (char c : perms.toCharArray()) {
          switch (c) {
            case 'r' -> rwx |= 4;
            case 'w' -> rwx |= 2;
            case 'x' -> rwx |= 1;
            case 'X' -> {
              if (directory || (result & 0111) != 0) {
                rwx |= 1;
              }
            }
            case 's' -> bits |= (who.contains("u") ? 04000 : 0) | (who.contains("g") ? 02000 : 0);
            case 't' -> bits |= 01000;
            default -> throw new IllegalArgumentException("bad permission '" + c + "' in mode " + mode);
          }
        }
        bits |= spread(who, rwx);
      }
      int mask = spread(who, 7) | (who.contains("u") ? 04000 : 0) | (who.contains("g") ? 02000 : 0)
          | (who.equals("ugo") ? 01000 : 0);
      result = switch (op) {
        case '+' -> result | bits;
        case '-' -> result & ~bits;
        default -> (result & ~mask) | bits;
      };
    }
    return result;
  }

  private static int spread(String who, int rwx) {
    int bits = 0;
    if (who.contains("u")) {
      bits |= rwx << 6;
    }
    if (who.contains("g")) {
      bits |= rwx << 3;
    }
    if (who.contains("o")) {
      bits |= rwx;
    }
    return bits;
  }

  /** Ansible's form: four octal digits as a string ({@code "0644"}). */
  public static String format(int mode) {
    String octal = Integer.toOctalString(mode & 07777);
    return "0000".substring(octal.length()) + octal;
  }
}
