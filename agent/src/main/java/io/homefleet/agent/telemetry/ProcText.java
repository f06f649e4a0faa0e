package io.homefleet.agent.telemetry;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the small text files of /proc through one reused buffer and parses their numbers in
 * place, so a collection makes no garbage beyond the names it has not seen before. Not
 * thread-safe: one instance per collector, used under its lock.
 */
final class ProcText {
  private byte[] buf = new byte[16 * 1024];
  private int len;

  /** Reads {@code file} whole (files of /proc report size 0, so it reads until end of file). */
  ProcText read(Path file) throws IOException {
    len = 0;
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      int n;
      while ((n = in.read(buf, len, buf.length - len)) > 0) {
        len += n;
        if (len == buf.length) {
          byte[] bigger = new byte[buf.length * 2];
          System.arraycopy(buf, 0, bigger, 0, len);
          buf = bigger;
        }
      }
    }
    return this;
  }

  int length() {
    return len;
  }

  /** The index just after the end of the line that starts at {@code from}. */
  int nextLine(int from) {
    int i = from;
    while (i < len && buf[i] != '\n') {
      i++;
    }
    return Math.min(len, i + 1);
  }

  /** Whether the line at {@code at} starts with {@code prefix} (ASCII). */
  boolean startsWith(int at, String prefix) {
    if (at + prefix.length() > len) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (buf[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Index of the first {@code c} in [from, end), or -1. */
  int indexOf(byte c, int from, int end) {
    for (int i = from; i < end; i++) {
      if (buf[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Parses the non-negative decimal numbers of [from, end) into {@code out}; returns how many. */
  int numbers(int from, int end, double[] out) {
    int count = 0;
    int i = from;
    while (i < end && count < out.length) {
      while (i < end && !isDigit(buf[i])) {
        i++;
      }
      if (i >= end) {
        break;
      }
      long whole = 0;
      while (i < end && isDigit(buf[i])) {
        whole = whole * 10 + (buf[i] - '0');
        i++;
      }
      double value = whole;
      if (i < end && buf[i] == '.') {
        i++;
        double scale = 0.1;
        while (i < end && isDigit(buf[i])) {
          value += (buf[i] - '0') * scale;
          scale /= 10;
          i++;
        }
      }
      out[count++] = value;
    }
    return count;
  }

  /** The bytes of [from, end) as a string, trimmed. */
  String text(int from, int end) {
    while (from < end && buf[from] == ' ') {
      from++;
    }
    while (end > from && (buf[end - 1] == ' ' || buf[end - 1] == '\n')) {
      end--;
    }
    return new String(buf, from, end - from, StandardCharsets.UTF_8);
  }

  /** Whether [from, end) equals {@code s} (ASCII), to find a known name without making a string. */
  boolean equals(int from, int end, String s) {
    if (end - from != s.length()) {
      return false;
    }
    return startsWith(from, s);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
