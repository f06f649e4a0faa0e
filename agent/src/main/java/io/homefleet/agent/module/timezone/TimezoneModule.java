package io.homefleet.agent.module.timezone;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * community.general's {@code timezone} ({@code name}) as it runs on Debian: with a usable
 * {@code timedatectl}, {@code timedatectl set-timezone}; otherwise its no-systemd Debian path:
 * /etc/timezone holds the name (every line that starts with a non-blank replaced by it, at the
 * first one's place), /etc/localtime becomes a symlink to /usr/share/zoneinfo/NAME, and
 * {@code dpkg-reconfigure --frontend noninteractive tzdata} runs. The current zone is the
 * collection's: /etc/timezone's first word, unless /etc/localtime says otherwise. {@code hwclock}
 * is {@code timedatectl set-local-rtc}, or without systemd /etc/default/rcS's {@code UTC=yes|no}
 * and {@code hwclock --systohc --utc|--localtime}, the current value read from rcS and /etc/adjtime.
 *
 * <p>{@code root} prefixes every path: "/" on a host, a temporary tree in tests, where neither
 * timedatectl, dpkg-reconfigure nor hwclock runs (they act on the real host).
 */
public final class TimezoneModule implements StateModule {
  private static final Pattern TIMEDATECTL_ZONE = Pattern.compile("^\\s*Time ?zone\\s*:\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern TIMEDATECTL_RTC = Pattern.compile("^\\s*RTC in local TZ\\s*:\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern RCS_UTC = Pattern.compile("^UTC\\s*=\\s*(\\S+)", Pattern.MULTILINE);
  private static final Pattern ADJTIME = Pattern.compile("^(UTC|LOCAL)$", Pattern.MULTILINE);
  private static final Set<String> TRUE_WORDS = Set.of("yes", "on", "1", "true", "y", "t");
  private static final Pattern FIRST_WORD = Pattern.compile("^(\\S+)", Pattern.MULTILINE);
  private static final Pattern ZONEINFO_LINK = Pattern.compile("(?:/(?:usr/share|etc)/zoneinfo/)(.*)");
  private final Path root;

  public TimezoneModule() {
    this(Path.of("/"));
  }

  /** A module working under {@code root} (tests: a directory standing in for the host's /). */
  public TimezoneModule(Path root) {
    this.root = root;
  }

  @Override
  public String name() {
    return "timezone";
  }

  private boolean onHost() {
    return root.equals(Path.of("/"));
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    if (!a.has("hwclock") && !a.has("name")) {
      throw a.error("one of the following is required: hwclock, name");
    }
    Optional<String> zone = a.str("name");
    if (zone.isPresent() && !Files.isRegularFile(root.resolve("usr/share/zoneinfo").resolve(zone.get()))) {
      throw a.error("Error message:\ngiven timezone \"" + zone.get() + "\" is not available");
    }
    boolean systemd = onHost() && Files.isExecutable(Path.of("/usr/bin/timedatectl"))
        && Commands.run(ctx, List.of("timedatectl")).ok();
    String status = systemd ? run(a, ctx, List.of("/usr/bin/timedatectl", "status")) : "";
    // The collection's argument_spec order (hwclock, then name) is the order of the diff and of the changes.
    Map<String, Object> before = new LinkedHashMap<>();
    Map<String, Object> planned = new LinkedHashMap<>();
    Optional<String> clock = a.str("hwclock");
    if (clock.isPresent()) {
      planned.put("hwclock", clock.get());
      before.put("hwclock", systemd ? timedatectlRtc(a, status) : currentRtc(a, clock.get()));
    }
    if (zone.isPresent()) {
      planned.put("name", zone.get());
      before.put("name", systemd ? timedatectlZone(a, status) : current(a, zone.get()));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    if (before.equals(planned)) {
      return Plan.inSync(data);
    }
    // The collection returns its diff with every change, --diff or not, so a registered result has it.
    data.put("diff", Map.of("before", before, "after", planned));
    Diff diff = new Diff(before, planned, "", "");
    return new Plan.Drift(diff, data, () -> {
      List<String> msg = new ArrayList<>();
      if (clock.isPresent() && !clock.get().equals(before.get("hwclock"))) {
        setRtc(a, ctx, systemd, clock.get(), msg);
      }
      if (zone.isPresent() && !zone.get().equals(before.get("name"))) {
        setZone(a, ctx, systemd, zone.get(), msg);
      }
      return Map.of("msg", String.join("\n", msg));
    });
  }

  private void setZone(Args a, TaskContext ctx, boolean systemd, String planned, List<String> msg)
      throws TaskException, InterruptedException {
    if (systemd) {
      run(a, ctx, List.of("/usr/bin/timedatectl", "set-timezone", planned));
      msg.add("executed `/usr/bin/timedatectl set-timezone " + planned + "`");
      return;
    }
    msg.add(editFile(a, "etc/timezone", FIRST_WORD, planned + "\n", "name"));
    try {
      Path localtime = root.resolve("etc/localtime");
      Files.deleteIfExists(localtime);
      Files.createSymbolicLink(localtime, Path.of("/usr/share/zoneinfo").resolve(planned));
    } catch (IOException e) {
      throw a.error("tried to configure name using a file \"/etc/localtime\", but could not write to it: "
          + e.getMessage());
    }
    if (onHost() && Files.isExecutable(Path.of("/usr/sbin/dpkg-reconfigure"))) {
      run(a, ctx, List.of("/usr/sbin/dpkg-reconfigure", "--frontend", "noninteractive", "tzdata"));
    }
  }

  /**
   * The collection's set_hwclock: {@code timedatectl set-local-rtc}, or on Debian without systemd
   * /etc/default/rcS's {@code UTC=} line and {@code hwclock --systohc}, which records the choice in
   * /etc/adjtime (under a stand-in root the module writes adjtime's third line as hwclock would).
   */
  private void setRtc(Args a, TaskContext ctx, boolean systemd, String planned, List<String> msg)
      throws TaskException, InterruptedException {
    boolean local = planned.equals("local");
    if (systemd) {
      String yesNo = local ? "yes" : "no";
      run(a, ctx, List.of("/usr/bin/timedatectl", "set-local-rtc", yesNo));
      msg.add("executed `/usr/bin/timedatectl set-local-rtc " + yesNo + "`");
      return;
    }
    msg.add(editFile(a, "etc/default/rcS", RCS_UTC, "UTC=" + (local ? "no" : "yes") + "\n", "hwclock"));
    String option = local ? "--localtime" : "--utc";
    if (onHost()) {
      run(a, ctx, List.of("/usr/sbin/hwclock", "--systohc", option));
    } else {
      Path adjtime = root.resolve("etc/adjtime");
      List<String> lines = new ArrayList<>(List.of("0.0 0 0.0", "0", "UTC"));
      String old = readOrEmpty(a, adjtime, "adjtime");
      List<String> had = old.isEmpty() ? List.of() : Arrays.asList(old.split("\n"));
      for (int i = 0; i < Math.min(had.size(), 2); i++) {
        lines.set(i, had.get(i));
      }
      lines.set(2, local ? "LOCAL" : "UTC");
      writeFile(a, adjtime, String.join("\n", lines) + "\n", "adjtime");
    }
    msg.add("executed `/usr/sbin/hwclock --systohc " + option + "`");
  }

  /** The collection's _edit_file: every matching line goes, {@code line} takes the first one's place. */
  private String editFile(Args a, String relative, Pattern match, String line, String key) throws TaskException {
    Path file = root.resolve(relative);
    String old = readOrEmpty(a, file, key);
    List<String> lines = new ArrayList<>(old.isEmpty() ? List.of() : Arrays.asList(old.split("(?<=\n)")));
    int first = -1;
    int removed = 0;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (match.matcher(lines.get(i)).find()) {
        lines.remove(i);
        first = i;
        removed++;
      }
    }
    lines.add(Math.max(first, 0), line);
    writeFile(a, file, String.join("", lines), key);
    return "Added 1 line and deleted " + removed + " line(s) on /" + relative;
  }

  private void writeFile(Args a, Path file, String content, String key) throws TaskException {
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw a.error("tried to configure " + key + " using a file \"/" + root.relativize(file)
          + "\", but could not write to it: " + e.getMessage());
    }
  }

  /** The collection's NosystemdTimezone.get('hwclock') on Debian: /etc/default/rcS, then /etc/adjtime. */
  private String currentRtc(Args a, String planned) throws TaskException {
    Matcher m = RCS_UTC.matcher(readOrEmpty(a, root.resolve("etc/default/rcS"), "hwclock"));
    if (!m.find()) {
      return "n/a";
    }
    String value = TRUE_WORDS.contains(m.group(1).toLowerCase(Locale.ROOT)) ? "UTC" : "local";
    if (!value.equals(planned)) {
      return value;
    }
    Matcher adj = ADJTIME.matcher(readOrEmpty(a, root.resolve("etc/adjtime"), "adjtime"));
    return adj.find() && adj.group(1).equals("LOCAL") ? "local" : "UTC";
  }

  private static String timedatectlRtc(Args a, String status) throws TaskException {
    Matcher m = TIMEDATECTL_RTC.matcher(status);
    if (!m.find()) {
      throw a.error("timedatectl status shows no 'RTC in local TZ' line");
    }
    return TRUE_WORDS.contains(m.group(1).toLowerCase(Locale.ROOT)) ? "local" : "UTC";
  }

  /** The collection's NosystemdTimezone.get('name'): /etc/timezone, checked against /etc/localtime. */
  private String current(Args a, String planned) throws TaskException {
    Path tzConf = root.resolve("etc/timezone");
    if (!Files.exists(tzConf)) {
      return "n/a";
    }
    Matcher m = FIRST_WORD.matcher(readOrEmpty(a, tzConf, "name"));
    String value = m.find() ? m.group(1) : "n/a";
    if (!value.equals(planned)) {
      return value;
    }
    Path localtime = root.resolve("etc/localtime");
    try {
      if (Files.isSymbolicLink(localtime)) {
        String target = Files.readSymbolicLink(localtime).toString();
        // The link names the host's path; under a stand-in root it resolves inside the root.
        if (!Files.exists(target.startsWith("/") ? root.resolve(target.substring(1)) : localtime)) {
          return "n/a";
        }
        Matcher link = ZONEINFO_LINK.matcher(target);
        return link.find() ? link.group(1) : "n/a";
      }
      Path zone = root.resolve("usr/share/zoneinfo").resolve(planned);
      return Files.exists(localtime) && Arrays.equals(Files.readAllBytes(localtime), Files.readAllBytes(zone)) ? value
          : "n/a";
    } catch (IOException e) {
      return "n/a";
    }
  }

  private String readOrEmpty(Args a, Path file, String key) throws TaskException {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw a.error("tried to configure " + key + " using a file \"/" + root.relativize(file)
          + "\", but could not read it");
    }
  }

  private static String timedatectlZone(Args a, String status) throws TaskException {
    Matcher m = TIMEDATECTL_ZONE.matcher(status);
    if (!m.find()) {
      throw a.error("timedatectl status shows no time zone");
    }
    return m.group(1);
  }

  private static String run(Args a, TaskContext ctx, List<String> argv) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error(r.describe());
    }
    return r.stdout();
  }
}
