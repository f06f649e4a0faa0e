package io.homefleet.agent.module.wait;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.edit.PythonRegex;
import io.homefleet.agent.module.file.PathInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's {@code wait_for}: wait until a TCP port accepts connections ({@code started}) or
 * refuses them ({@code stopped}), a file exists ({@code present}, optionally containing
 * {@code search_regex}, Python syntax, multi-line) or is gone ({@code absent}), or a port has no
 * active connections in /proc/net/tcp and tcp6 ({@code drained}); within {@code timeout}, after
 * {@code delay}, checking every {@code sleep}. Follows ansible-core 2.14's {@code wait_for.py},
 * its messages and {@code elapsed} included. Cancellable; Ansible's module has no check mode, so
 * a check run skips it as Ansible does.
 */
public final class WaitForModule implements Module {
  /** The kernel's TCP state numbers, as /proc/net/tcp shows them. */
  private static final Map<String, String> STATES = Map.ofEntries(Map.entry("ESTABLISHED", "01"),
      Map.entry("SYN_SENT", "02"), Map.entry("SYN_RECV", "03"), Map.entry("FIN_WAIT1", "04"), Map.entry("FIN_WAIT2", "05"),
      Map.entry("TIME_WAIT", "06"), Map.entry("CLOSE", "07"), Map.entry("CLOSE_WAIT", "08"), Map.entry("LAST_ACK", "09"),
      Map.entry("LISTEN", "0A"), Map.entry("CLOSING", "0B"));
  private static final List<String> ACTIVE = List.of("ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT",
      "TIME_WAIT");

  @Override
  public String name() {
    return "wait_for";
  }

  /** The task's arguments, read once. */
  private record Wait(String host, long timeout, int connectTimeout, Integer port, Path path, PythonRegex search,
      String searchRaw, String state, long sleep, String msg, List<String> activeStates, List<String> excludeHosts) {}

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String state = a.choice("state", "started", "absent", "drained", "present", "started", "stopped");
    Integer port = a.integer("port").map(Long::intValue).orElse(null);
    Path path = a.str("path").map(Path::of).orElse(null);
    String searchRaw = a.str("search_regex").orElse(null);
    PythonRegex search = null;
    if (searchRaw != null) {
      try {
        search = PythonRegex.compile(searchRaw, Pattern.MULTILINE);
      } catch (PatternSyntaxException e) {
        return fail("Invalid regular expression: " + e.getDescription(), 0);
      }
    }
    if (port != null && port != 0 && path != null) {
      return fail("port and path parameter can not both be passed to wait_for", 0);
    }
    if (path != null && (state.equals("stopped") || state.equals("drained"))) {
      return fail("state=" + state + " should only be used for checking a port in the wait_for module", 0);
    }
    if (a.has("exclude_hosts") && !state.equals("drained")) {
      return fail("exclude_hosts should only be with state=drained", 0);
    }
    List<String> activeStates = a.has("active_connection_states") ? a.list("active_connection_states") : ACTIVE;
    for (String s : activeStates) {
      if (!STATES.containsKey(s)) {
        return fail("unknown active_connection_state (" + s + ") defined", 0);
      }
    }
    if (ctx.checkMode()) {
      return Outcome.of(Outcome.Status.SKIPPED, "remote module (wait_for) does not support check mode");
    }
    Wait w = new Wait(a.str("host", "127.0.0.1"), a.integer("timeout").orElse(300L),
        a.integer("connect_timeout").orElse(5L).intValue(), port, path, search, searchRaw, state,
        a.integer("sleep").orElse(1L), a.str("msg").orElse(null), activeStates, a.list("exclude_hosts"));

    long start = System.nanoTime();
    sleep(ctx, a.integer("delay").orElse(0L) * 1000);
    long end = start + w.timeout() * 1_000_000_000L;
    Map<String, Object> groups = new LinkedHashMap<>();
    List<Object> matchGroups = new ArrayList<>();
    boolean portSet = port != null && port != 0;
    if (!portSet && path == null && !state.equals("drained")) {
      sleep(ctx, w.timeout() * 1000);
    } else {
      String timedOut = null;
      while (true) {
        if (System.nanoTime() >= end) {
          timedOut = timeoutMessage(w);
          break;
        }
        if (done(w, end, matchGroups, groups)) {
          break;
        }
        sleep(ctx, w.sleep() * 1000);
      }
      if (timedOut != null) {
        return fail(w.msg() != null ? w.msg() : timedOut, seconds(start));
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("state", state);
    data.put("port", port);
    data.put("search_regex", searchRaw);
    data.put("match_groups", matchGroups);
    data.put("match_groupdict", groups);
    data.put("path", path == null ? null : path.toString());
    data.put("elapsed", seconds(start));
    if (path != null) {
      try {
        // Ansible adds the attributes of a result's path (add_path_info), state among them.
        data.putAll(PathInfo.of(path));
      } catch (IOException e) {
        // The file went away after the wait ended: no attributes, as in Ansible.
      }
    }
    return Outcome.result(false, "", data);
  }

  /** One look: whether the wait is over. */
  private boolean done(Wait w, long end, List<Object> matchGroups, Map<String, Object> groups)
      throws TaskException {
    boolean portSet = w.port() != null && w.port() != 0;
    switch (w.state()) {
      case "absent", "stopped" -> {
        return w.path() != null ? !Files.exists(w.path()) : !connects(w, w.connectTimeout());
      }
      case "drained" -> {
        return activeConnections(w) == 0;
      }
      default -> {
        if (w.path() != null) {
          return fileReady(w, matchGroups, groups);
        }
        if (!portSet) {
          return true;
        }
        int left = (int) Math.ceil((end - System.nanoTime()) / 1e9);
        return w.search() == null ? connects(w, Math.min(w.connectTimeout(), left)) : portMatches(w, end);
      }
    }
  }

  private static boolean fileReady(Wait w, List<Object> matchGroups, Map<String, Object> groups)
      throws TaskException {
    byte[] content;
    try {
      content = Files.readAllBytes(w.path());
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      if (Files.exists(w.path()) && !Files.isReadable(w.path())) {
        throw new TaskException("wait_for", w.msg() != null ? w.msg() : "Failed to stat " + w.path() + ", "
            + e.getMessage());
      }
      return false;
    }
    if (w.search() == null) {
      return true;
    }
    // Bytes as Latin-1: every byte one char, as Python's bytes pattern sees the file.
    Matcher m = w.search().pattern().matcher(new String(content, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      return false;
    }
    for (int i = 1; i <= m.groupCount(); i++) {
      matchGroups.add(m.group(i));
    }
    groups.putAll(w.search().groupDict(m));
    return true;
  }

  private static boolean connects(Wait w, int timeoutSeconds) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(w.host(), w.port()), Math.max(1, timeoutSeconds) * 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Connects and reads until search_regex matches what the port sent, the peer closes, or time is up. */
  private static boolean portMatches(Wait w, long end) {
    int left = (int) Math.ceil((end - System.nanoTime()) / 1e9);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(w.host(), w.port()), Math.max(1, Math.min(w.connectTimeout(), left)) * 1000);
      StringBuilder data = new StringBuilder();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      while (System.nanoTime() < end) {
        s.setSoTimeout((int) Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          continue;
        }
        if (n < 0) {
          return false;
        }
        data.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        if (w.search().pattern().matcher(data).find()) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Ansible's LinuxTCPConnectionInfo: connections on the port, in an active state, to host, from others than exclude_hosts. */
  private static int activeConnections(Wait w) throws TaskException {
    Set<String> ips = hex(w.host());
    Set<String> exclude = new java.util.HashSet<>();
    for (String h : w.excludeHosts()) {
      exclude.addAll(hex(h));
    }
    Set<String> states = new java.util.HashSet<>();
    w.activeStates().forEach(s -> states.add(STATES.get(s)));
    String port = String.format("%04X", w.port() == null ? 0 : w.port());
    int active = 0;
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file));
      } catch (IOException e) {
        continue;
      }
      boolean v6 = file.endsWith("6");
      for (String line : lines) {
        String[] f = line.strip().split("\\s+");
        if (f.length < 4 || f[1].equals("local_address") || !states.contains(f[3])) {
          continue;
        }
        String[] local = f[1].split(":");
        String[] remote = f[2].split(":");
        if (!local[1].equals(port) || exclude.contains(remote[0])) {
          continue;
        }
        String any = v6 ? "0".repeat(32) : "00000000";
        if (ips.contains(local[0]) || ips.contains(any)
            || (local[0].startsWith("0000000000000000FFFF0000") && ips.contains("0000000000000000FFFF000000000000"))) {
          active++;
        }
      }
    }
    return active;
  }

  /** A host's addresses as /proc/net/tcp spells them: each 32-bit word in the kernel's byte order. */
  private static Set<String> hex(String host) throws TaskException {
    Set<String> out = new java.util.HashSet<>();
    try {
      for (InetAddress addr : InetAddress.getAllByName(host)) {
        byte[] b = addr.getAddress();
        StringBuilder s = new StringBuilder();
        for (int word = 0; word < b.length; word += 4) {
          for (int i = 3; i >= 0; i--) {
            s.append(HexFormat.of().withUpperCase().toHexDigits(b[word + i]));
          }
        }
        out.add(s.toString());
        if (b.length == 4) {
          // An IPv4 address also appears IPv4-mapped in tcp6.
          out.add("0000000000000000FFFF0000" + s);
        }
      }
    } catch (IOException e) {
      throw new TaskException("wait_for", "cannot resolve " + host + ": " + e.getMessage());
    }
    return out;
  }

  private static String timeoutMessage(Wait w) {
    String hp = w.host() + ":" + w.port();
    return switch (w.state()) {
      case "absent", "stopped" -> w.path() == null ? "Timeout when waiting for " + hp + " to stop."
          : "Timeout when waiting for " + w.path() + " to be absent.";
      case "drained" -> "Timeout when waiting for " + hp + " to drain";
      default -> w.path() == null
          ? (w.search() != null ? "Timeout when waiting for search string " + w.searchRaw() + " in " + hp
              : "Timeout when waiting for " + hp)
          : (w.search() != null ? "Timeout when waiting for search string " + w.searchRaw() + " in " + w.path()
              : "Timeout when waiting for file " + w.path());
    };
  }

  private static long seconds(long start) {
    return (System.nanoTime() - start) / 1_000_000_000L;
  }

  private static Outcome fail(String msg, long elapsed) {
    return Outcome.failed(msg, Map.of("elapsed", elapsed));
  }

  /** Sleeps in short steps, so a cancel ends the wait at once. */
  private static void sleep(TaskContext ctx, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      if (ctx.cancelled()) {
        throw new InterruptedException("cancelled");
      }
      Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
    }
  }
}
