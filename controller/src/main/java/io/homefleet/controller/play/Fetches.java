package io.homefleet.controller.play;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fetch's controller end, as ansible-core 2.14's action plugin: the host's file written to
 * {@code dest/HOST/SRC} (or {@code dest} with {@code flat}) on the controller's machine. A
 * relative {@code dest} is under {@code DATA_DIR/fetched/}, since the playbook's directory is an
 * upload on the operator's machine; nothing is written outside {@code dest} whatever {@code src}
 * holds ({@code ..}).
 */
final class Fetches {
  private final Path fetched;

  /** @param fetched where relative dests start ({@code DATA_DIR/fetched}) */
  Fetches(Path fetched) {
    this.fetched = fetched.toAbsolutePath().normalize();
  }

  /** Writes {@code f}'s content for {@code host} unless the file there holds it already; Ansible's result. */
  Map<String, Object> write(String host, Calls.Fetch f) {
    Map<String, Object> r = new LinkedHashMap<>();
    Path given = f.dest().startsWith("/") ? Path.of(f.dest()) : fetched.resolve(f.dest());
    Path base = given.normalize();
    Path dest;
    if (f.flat()) {
      if (Files.isDirectory(base) && !f.dest().endsWith("/")) {
        return failed(r, "dest is an existing directory, use a trailing slash if you want to fetch src into that"
            + " directory");
      }
      String name = f.src().substring(f.src().lastIndexOf('/') + 1);
      dest = (f.dest().endsWith("/") ? base.resolve(name) : base).normalize();
    } else {
      base = base.resolve(host).normalize();
      String src = f.src().replaceFirst("^/+", "");
      dest = base.resolve(src).normalize();
    }
    if (!dest.startsWith(base) || (!f.dest().startsWith("/") && !dest.startsWith(fetched))
        || dest.equals(base) && !f.flat()) {
      return failed(r, "Detected directory traversal, expected to be contained in '" + f.dest() + "' but got '" + dest
          + "'");
    }
    String remote = hex("SHA-1", f.content());
    try {
      String local = Files.isRegularFile(dest) ? hex("SHA-1", Files.readAllBytes(dest)) : null;
      if (remote.equals(local)) {
        r.put("changed", false);
        r.put("md5sum", hex("MD5", f.content()));
        r.put("file", f.src());
        r.put("dest", dest.toString());
        r.put("checksum", local);
        return r;
      }
      Files.createDirectories(dest.getParent());
      Files.write(dest, f.content());
      byte[] written = Files.readAllBytes(dest);
      String checksum = hex("SHA-1", written);
      if (!remote.equals(checksum)) {
        r.put("file", f.src());
        r.put("dest", dest.toString());
        return failed(r, "checksum mismatch");
      }
      r.put("changed", true);
      r.put("md5sum", hex("MD5", written));
      r.put("dest", dest.toString());
      r.put("remote_md5sum", null);
      r.put("checksum", checksum);
      r.put("remote_checksum", remote);
      return r;
    } catch (IOException e) {
      return failed(r, "Failed to fetch the file: " + e.getMessage() + " (the controller writes fetched files as its"
          + " own user: give a dest it may write, or a relative one, under DATA_DIR/fetched/)");
    }
  }

  private static Map<String, Object> failed(Map<String, Object> r, String msg) {
    r.put("failed", true);
    r.put("msg", msg);
    return r;
  }

  private static String hex(String algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }
}
