package io.homefleet.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A user a task runs as ({@code become_user}, {@code remote_user}): its passwd entry, and how a
 * program is started as that user the way Ansible's sudo starts it: {@code setpriv} with the
 * user's ids and supplementary groups, and sudo's reset environment ({@code HOME}, {@code USER},
 * {@code LOGNAME}, {@code SHELL}, {@code MAIL}, Debian's {@code secure_path}, the {@code SUDO_*}
 * variables; {@code TERM} and the locale kept).
 */
public record Account(String name, int uid, int gid, Path home, String shell) {
  /** Debian's sudoers {@code secure_path}. */
  static final String SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final Path PASSWD = Path.of("/etc/passwd");
  /** This process's user name, as the JVM read it from passwd at start (getpwuid). */
  private static final String SELF_NAME = System.getProperty("user.name", "");

  /**
   * The user named {@code name} (or given by number), from NSS ({@code getent passwd}); empty
   * when there is none.
   */
  public static Optional<Account> lookup(String name) throws TaskException, InterruptedException {
    // /etc/passwd answers most lookups without starting getent (~5 ms each, once per task under
    // become); getent then asks the other NSS sources (LDAP, sssd) for a name files do not have.
    Optional<Account> local = fromPasswdFile(PASSWD, name);
    if (local.isPresent()) {
      return local;
    }
    Process p;
    try {
      p = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new TaskException("become", "cannot look up user '" + name + "' (getent): " + e.getMessage());
    }
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      out = "";
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new TaskException("become", "looking up user '" + name + "' (getent passwd) did not end in 30 s");
    }
    return p.exitValue() == 0 ? parse(out.lines().findFirst().orElse("")) : Optional.empty();
  }

  /** The first entry of a passwd(5) file for {@code name} (a user name, or a uid given as digits). */
  static Optional<Account> fromPasswdFile(Path file, String name) {
    boolean byUid = !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> {
        int colon = l.indexOf(':');
        if (colon < 0) {
          return false;
        }
        if (!byUid) {
          return l.startsWith(name) && colon == name.length();
        }
        String[] f = l.split(":", 4);
        return f.length > 2 && f[2].equals(name);
      }).findFirst().flatMap(Account::parse);
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * The user a task named runs as: empty for none named or the agent's own user, null when the
   * host has no such user ({@link #noSuchUser} says so).
   */
  public static Optional<Account> forTask(String name) throws TaskException, InterruptedException {
    if (name.isEmpty() || name.equals(SELF_NAME)) {
      return Optional.empty();
    }
    Optional<Account> a = lookup(name);
    if (a.isEmpty()) {
      return null;
    }
    return a.get().uid() == selfUid() ? Optional.empty() : a;
  }

  /** A task's failure when the host has no user {@code name}. */
  public static String noSuchUser(String name) {
    return "the task runs as '" + name + "' (become_user, remote_user or ansible_user), and this host has no such user"
        + " (getent passwd " + name + " found none): create it first, or name a user the host has";
  }

  /** One line of passwd(5). */
  static Optional<Account> parse(String line) {
    String[] f = line.split(":", -1);
    if (f.length < 7) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5]), f[6]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Read once (-1 until then): a process's uid does not change, and every task that names a user asks for it. */
  private static volatile int selfUid = -1;

  /** The uid this process runs as. */
  public static int selfUid() {
    int uid = selfUid;
    if (uid < 0) {
      try {
        uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException | UnsupportedOperationException e) {
        throw new IllegalStateException("cannot read this process's uid from /proc/self", e);
      }
      selfUid = uid;
    }
    return uid;
  }

  /** {@code argv} started as this user: setpriv changes ids and groups, then executes it. */
  public List<String> wrap(List<String> argv) {
    List<String> out = new ArrayList<>(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--"));
    out.addAll(argv);
    return out;
  }

  /**
   * The environment sudo gives {@code argv} (env_reset): what a program run by Ansible's sudo
   * become sees, before the task's own {@code environment:}.
   *
   * @param current the environment the agent has, of which only the terminal and locale stay
   */
  public Map<String, String> environment(List<String> argv, Map<String, String> current) {
    Map<String, String> env = new LinkedHashMap<>();
    current.forEach((k, v) -> {
      if (k.equals("TERM") || k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_")) {
        env.put(k, v);
      }
    });
    env.put("HOME", home.toString());
    env.put("USER", name);
    env.put("LOGNAME", name);
    env.put("SHELL", shell.isEmpty() ? "/bin/sh" : shell);
    env.put("MAIL", "/var/mail/" + name);
    env.put("PATH", SECURE_PATH);
    env.put("SUDO_USER", "root");
    env.put("SUDO_UID", "0");
    env.put("SUDO_GID", "0");
    env.put("SUDO_COMMAND", String.join(" ", argv));
    return env;
  }

  /** A builder for {@code argv} run as this user, with sudo's environment. */
  public ProcessBuilder processBuilder(List<String> argv) {
    ProcessBuilder pb = new ProcessBuilder(wrap(argv));
    Map<String, String> env = environment(argv, pb.environment());
    pb.environment().clear();
    pb.environment().putAll(env);
    // The agent's own directory may be closed to the user; a chdir given by the task replaces this.
    pb.directory((Files.isDirectory(home) ? home : Path.of("/")).toFile());
    return pb;
  }

  /** Gives {@code path} (not following links) to this user and its primary group. */
  public void own(Path path) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
