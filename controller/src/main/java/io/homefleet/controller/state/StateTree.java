package io.homefleet.controller.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a state directory, by their paths relative to it ({@code /}-separated), and the
 * content address of the whole: the SHA-256 of every path and content in path order. The same
 * files give the same version wherever and whenever they are applied.
 */
public record StateTree(Map<String, byte[]> files) {
  /** Enough for a homelab's playbooks, roles and templates; not a place for data sets. */
  public static final int MAX_FILES = 5000;
  public static final long MAX_BYTES = 32L * 1024 * 1024;

  public StateTree {
    TreeMap<String, byte[]> sorted = new TreeMap<>();
    long bytes = 0;
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String p = e.getKey();
      if (!safe(p)) {
        throw new IllegalArgumentException("'" + p + "' is not a path inside the state directory (relative, "
            + "'/'-separated, without '..' or empty parts)");
      }
      sorted.put(p, e.getValue().clone());
      bytes += e.getValue().length;
    }
    if (sorted.size() > MAX_FILES || bytes > MAX_BYTES) {
      throw new IllegalArgumentException("the state directory holds " + sorted.size() + " files, " + bytes
          + " bytes; at most " + MAX_FILES + " files and " + MAX_BYTES / (1024 * 1024) + " MiB: keep only the "
          + "playbooks, inventory, roles and their files there");
    }
    files = Collections.unmodifiableMap(sorted);
  }

  static boolean safe(String p) {
    if (p.isEmpty() || p.startsWith("/") || p.contains("\\") || p.contains("\0")) {
      return false;
    }
    for (String part : p.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The content address: lowercase hex SHA-256 over each path, NUL, length, NUL, content, in path order. */
  public String version() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.US_ASCII));
        md.update((byte) 0);
        md.update(e.getValue());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The abbreviation shown to operators: the first 12 hex digits. */
  public static String shortVersion(String version) {
    return version.length() > 12 ? version.substring(0, 12) : version;
  }
}
