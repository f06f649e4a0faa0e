package io.homefleet.playbook.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELException;

/**
 * Python's printf-style string formatting, {@code 'FORMAT' % values}, as Jinja2 evaluates it:
 * conversions {@code s r a d i u o x X e E f F g G c %}, a mapping key {@code %(name)s}, flags
 * {@code -+ #0}, width and precision ({@code *} taken from the values), with Python's errors.
 * Floats are rounded as Python rounds them: the exact binary value, half to even.
 */
final class PyFormat {
  private PyFormat() {}

  /**
   * {@code format % value}: {@code tuple} when the right operand was a tuple literal, whose
   * items are the values; any other value is the one value, or the mapping for {@code %(key)}.
   */
  static String format(String format, Object value, boolean tuple) {
    List<?> args = tuple ? Py.list(value) : Collections.singletonList(value);
    Map<?, ?> mapping = !tuple && value instanceof Map<?, ?> m ? m : null;
    StringBuilder out = new StringBuilder(format.length() + 16);
    int next = 0;
    boolean keyed = false;
    int i = 0;
    int n = format.length();
    while (i < n) {
      char c = format.charAt(i++);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i >= n) {
        throw new FormatException("incomplete format");
      }
      String key = null;
      if (format.charAt(i) == '(') {
        int depth = 1;
        int start = ++i;
        while (i < n && depth > 0) {
          char k = format.charAt(i++);
          depth += k == '(' ? 1 : k == ')' ? -1 : 0;
        }
        if (depth > 0) {
          throw new FormatException("incomplete format key");
        }
        key = format.substring(start, i - 1);
        if (mapping == null) {
          throw new FormatException("format requires a mapping");
        }
        keyed = true;
      }
      String flags = "";
      while (i < n && "-+ #0".indexOf(format.charAt(i)) >= 0) {
        flags += format.charAt(i++);
      }
      int width = -1;
      if (i < n && format.charAt(i) == '*') {
        i++;
        if (next >= args.size()) {
          throw new FormatException("not enough arguments for format string");
        }
        width = star(args.get(next++));
        if (width < 0) {
          flags += "-";
          width = -width;
        }
      } else {
        int start = i;
        while (i < n && Character.isDigit(format.charAt(i))) {
          i++;
        }
        width = start == i ? -1 : Integer.parseInt(format.substring(start, i));
      }
      int precision = -1;
      if (i < n && format.charAt(i) == '.') {
        i++;
        if (i < n && format.charAt(i) == '*') {
          i++;
          if (next >= args.size()) {
            throw new FormatException("not enough arguments for format string");
          }
          precision = Math.max(0, star(args.get(next++)));
        } else {
          int start = i;
          while (i < n && Character.isDigit(format.charAt(i))) {
            i++;
          }
          precision = start == i ? 0 : Integer.parseInt(format.substring(start, i));
        }
      }
      while (i < n && "hlL".indexOf(format.charAt(i)) >= 0) {
        i++;
      }
      if (i >= n) {
        throw new FormatException("incomplete format");
      }
      char conversion = format.charAt(i++);
      if (conversion == '%') {
        out.append('%');
        continue;
      }
      Object v;
      if (key != null) {
        if (!mapping.containsKey(key)) {
          throw new FormatException("KeyError: " + Py.repr(key));
        }
        v = mapping.get(key);
      } else {
        if (next >= args.size()) {
          throw new FormatException("not enough arguments for format string");
        }
        v = args.get(next++);
      }
      if (v instanceof Undefined u) {
        throw u.error();
      }
      out.append(convert(conversion, v, flags, width, precision, i - 1));
    }
    if (!keyed && mapping == null && next < args.size()) {
      throw new FormatException("not all arguments converted during string formatting");
    }
    return out.toString();
  }

  private static int star(Object v) {
    if (!(Py.isInteger(v))) {
      throw new FormatException("* wants int");
    }
    return ((Number) v).intValue();
  }

  private static String convert(char conversion, Object v, String flags, int width, int precision, int at) {
    boolean left = flags.indexOf('-') >= 0;
    boolean zero = flags.indexOf('0') >= 0 && !left;
    switch (conversion) {
      case 's', 'r', 'a': {
        String s = conversion == 's' ? Py.str(v) : Py.repr(v);
        if (precision >= 0 && precision < s.length()) {
          s = s.substring(0, precision);
        }
        return pad(s, "", width, left, false);
      }
      case 'c': {
        String s;
        if (Py.isInteger(v)) {
          s = new String(Character.toChars(((Number) v).intValue()));
        } else if (Py.isString(v) && v.toString().codePointCount(0, v.toString().length()) == 1) {
          s = v.toString();
        } else {
          throw new FormatException("%c requires int or char");
        }
        return pad(s, "", width, left, false);
      }
      case 'd', 'i', 'u': {
        BigInteger value = integer(conversion, v, true);
        String digits = value.abs().toString();
        if (precision > digits.length()) {
          digits = "0".repeat(precision - digits.length()) + digits;
        }
        return pad(digits, sign(value.signum() < 0, flags), width, left, zero);
      }
      case 'o', 'x', 'X': {
        BigInteger value = integer(conversion, v, false);
        String digits = value.abs().toString(conversion == 'o' ? 8 : 16);
        if (conversion == 'X') {
          digits = digits.toUpperCase(Locale.ROOT);
        }
        if (precision > digits.length()) {
          digits = "0".repeat(precision - digits.length()) + digits;
        }
        String prefix = sign(value.signum() < 0, flags);
        if (flags.indexOf('#') >= 0) {
          prefix += conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X";
        }
        return pad(digits, prefix, width, left, zero);
      }
      case 'e', 'E', 'f', 'F', 'g', 'G': {
        double d = real(conversion, v);
        String body = floating(Math.abs(d), Character.toLowerCase(conversion), precision < 0 ? 6 : precision,
            flags.indexOf('#') >= 0);
        if (Character.isUpperCase(conversion)) {
          body = body.toUpperCase(Locale.ROOT);
        }
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        boolean finite = !Double.isNaN(d) && !Double.isInfinite(d);
        return pad(body, sign(negative && !Double.isNaN(d), flags), width, left, zero && finite);
      }
      default:
        throw new FormatException("unsupported format character '" + conversion + "' (0x"
            + Integer.toHexString(conversion) + ") at index " + at);
    }
  }

  private static String sign(boolean negative, String flags) {
    return negative ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "";
  }

  private static String pad(String body, String prefix, int width, boolean left, boolean zero) {
    int fill = width - body.length() - prefix.length();
    if (fill <= 0) {
      return prefix + body;
    }
    if (left) {
      return prefix + body + " ".repeat(fill);
    }
    return zero ? prefix + "0".repeat(fill) + body : " ".repeat(fill) + prefix + body;
  }

  private static BigInteger integer(char conversion, Object v, boolean floats) {
    if (v instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (v instanceof BigInteger b) {
      return b;
    }
    if (Py.isInteger(v)) {
      return v instanceof BigDecimal d ? d.toBigInteger() : BigInteger.valueOf(((Number) v).longValue());
    }
    if (floats && Py.isFloat(v)) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new FormatException("cannot convert float " + (Double.isNaN(d) ? "NaN" : "infinity") + " to integer");
      }
      return new BigDecimal(d).toBigInteger();
    }
    throw new FormatException("%" + conversion + " format: " + (floats ? "a real number" : "an integer")
        + " is required, not " + Py.typeName(v));
  }

  private static double real(char conversion, Object v) {
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Number num) {
      return num.doubleValue();
    }
    throw new FormatException("must be real number, not " + Py.typeName(v));
  }

  /** A non-negative float in {@code e}, {@code f} or {@code g} notation, lower case. */
  private static String floating(double d, char conversion, int precision, boolean alternate) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return "inf";
    }
    BigDecimal exact = new BigDecimal(d);
    switch (conversion) {
      case 'f':
        return fixed(exact, precision, alternate);
      case 'e':
        return exponent(exact, precision, alternate);
      default: {
        int p = precision == 0 ? 1 : precision;
        int exp = d == 0 ? 0 : decimalExponent(exact.round(new MathContext(p, RoundingMode.HALF_EVEN)));
        String s = exp >= -4 && exp < p ? fixed(exact, p - 1 - exp, alternate) : exponent(exact, p - 1, alternate);
        return alternate ? s : stripZeros(s);
      }
    }
  }

  private static String fixed(BigDecimal exact, int precision, boolean alternate) {
    String s = exact.setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return alternate && precision == 0 ? s + "." : s;
  }

  private static String exponent(BigDecimal exact, int precision, boolean alternate) {
    if (exact.signum() == 0) {
      String mantissa = precision == 0 ? (alternate ? "0." : "0") : "0." + "0".repeat(precision);
      return mantissa + "e+00";
    }
    BigDecimal rounded = exact.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
    int exp = decimalExponent(rounded);
    BigDecimal mantissa = rounded.movePointLeft(exp).setScale(precision, RoundingMode.HALF_EVEN);
    String m = mantissa.toPlainString();
    if (alternate && precision == 0) {
      m += ".";
    }
    String e = String.valueOf(Math.abs(exp));
    return m + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
  }

  /** The power of ten of the first significant digit. */
  private static int decimalExponent(BigDecimal d) {
    return d.precision() - d.scale() - 1;
  }

  private static String stripZeros(String s) {
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    String rest = e < 0 ? "" : s.substring(e);
    if (mantissa.indexOf('.') >= 0) {
      mantissa = mantissa.replaceAll("0+$", "");
      if (mantissa.endsWith(".")) {
        mantissa = mantissa.substring(0, mantissa.length() - 1);
      }
    }
    return mantissa + rest;
  }

  /**
   * A formatting error, with Python's message. An EL exception, since Jinjava puts the message
   * of any other into a format string of its own, where Python's {@code %d} would break it.
   */
  static final class FormatException extends ELException {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }
  }
}
