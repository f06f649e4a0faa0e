package io.homefleet.agent.module.user;

import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local account databases, read directly: /etc/passwd, /etc/group and /etc/shadow (local
 * accounts only; the modules manage local accounts with the shadow tools anyway).
 */
final class Accounts {
  private final Path etc;

  Accounts(Path etc) {
    this.etc = etc;
  }

  static Accounts system() {
    return new Accounts(Path.of("/etc"));
  }

  record User(String name, int uid, int gid, String comment, String home, String shell) {}

  record Group(String name, int gid, List<String> members) {}

  Optional<User> user(String name) throws TaskException {
    for (String[] f : rows("passwd")) {
      if (f.length >= 7 && f[0].equals(name)) {
        return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]));
      }
    }
    return Optional.empty();
  }

  Map<String, Group> groups() throws TaskException {
    Map<String, Group> out = new LinkedHashMap<>();
    for (String[] f : rows("group")) {
      if (f.length >= 3) {
        List<String> members = f.length > 3 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
        out.put(f[0], new Group(f[0], Integer.parseInt(f[2]), members));
      }
    }
    return out;
  }

  Optional<Group> group(String nameOrGid) throws TaskException {
    for (Group g : groups().values()) {
      if (g.name().equals(nameOrGid) || Integer.toString(g.gid()).equals(nameOrGid)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /** Supplementary groups of {@code user}, in /etc/group order. */
  List<String> supplementary(String user) throws TaskException {
    List<String> out = new ArrayList<>();
    for (Group g : groups().values()) {
      if (g.members().contains(user)) {
        out.add(g.name());
      }
    }
    return out;
  }

  /** The password hash from /etc/shadow, or empty when the user has none there. */
  Optional<String> passwordHash(String user) throws TaskException {
    for (String[] f : rows("shadow")) {
      if (f.length >= 2 && f[0].equals(user)) {
        return Optional.of(f[1]);
      }
    }
    return Optional.empty();
  }

  /** The user's /etc/shadow fields (name, hash, lastchg, min, max, warn, inactive, expire, reserved), if any. */
  Optional<String[]> shadow(String user) throws TaskException {
    for (String[] f : rows("shadow")) {
      if (f.length >= 8 && f[0].equals(user)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private List<String[]> rows(String db) throws TaskException {
    List<String[]> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(etc.resolve(db))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.split(":", -1));
        }
      }
    } catch (IOException e) {
      throw new TaskException("user", "cannot read " + etc.resolve(db) + ": " + e.getMessage());
    }
    return out;
  }
}
