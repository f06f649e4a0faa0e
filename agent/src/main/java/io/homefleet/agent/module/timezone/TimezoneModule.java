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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * community.general's {@code timezone} ({@code name}) as it runs on Debian: with a usable
 * {@code timedatectl}, {@code timedatectl set-timezone}; otherwise its no-systemd Debian path:
 * /etc/timezone holds the name (every line that starts with a non-blank replaced by it, at the
 * first one's place), /etc/localtime becomes a symlink to /usr/share/zoneinfo/NAME, and
 * {@code dpkg-reconfigure --frontend noninteractive tzdata} runs. The current zone is the
 * collection's: /etc/timezone's first word, unless /etc/localtime says otherwise.
 *
 * <p>{@code root} prefixes every path: "/" on a host, a temporary tree in tests, where neither
 * timedatectl nor dpkg-reconfigure runs (both act on the real host).
 */
public final class TimezoneModule implements StateModule {
  private static final Pattern TIMEDATECTL_ZONE = Pattern.compile("^\\s*Time ?zone\\s*:\\s*(\\S+)", Pattern.MULTILINE);
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
    if (a.has("hwclock")) {
      throw a.error("hwclock is not supported by homefleet yet (it sets the hardware clock); manage name only");
    }
    if (!a.has("name")) {
      throw a.error("one of the following is required: hwclock, name");
    }
    String planned = a.required("name");
    Path zoneFile = root.resolve("usr/share/zoneinfo").resolve(planned);
    if (!Files.isRegularFile(zoneFile)) {
      throw a.error("Error message:\ngiven timezone \"" + planned + "\" is not available");
    }
    boolean systemd = onHost() && Files.isExecutable(Path.of("/usr/bin/timedatectl"))
        && Commands.run(ctx, List.of("timedatectl")).ok();
    String before = systemd ? timedatectlZone(a, ctx) : current(a, planned);
    Map<String, Object> data = new LinkedHashMap<>();
    Diff diff = new Diff(Map.of("name", before), Map.of("name", planned), "", "");
    if (before.equals(planned)) {
      return Plan.inSync(data);
    }
    if (systemd) {
      return new Plan.Drift(diff, data, () -> {
        run(a, ctx, List.of("/usr/bin/timedatectl", "set-timezone", planned));
        return Map.of("msg", "executed `/usr/bin/timedatectl set-timezone " + planned + "`");
      });
    }
    Path tzConf = root.resolve("etc/timezone");
    String old = readOrEmpty(a, tzConf);
    List<String> lines = new ArrayList<>(old.isEmpty() ? List.of() : Arrays.asList(old.split("(?<=\n)")));
    int first = -1;
    int removed = 0;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (FIRST_WORD.matcher(lines.get(i)).find()) {
        lines.remove(i);
        first = i;
        removed++;
      }
    }
    lines.add(Math.max(first, 0), planned + "\n");
    String newConf = String.join("", lines);
    String msg = "Added 1 line and deleted " + removed + " line(s) on /etc/timezone";
    return new Plan.Drift(diff, data, () -> {
      try {
        AtomicFiles.write(tzConf, newConf.getBytes(StandardCharsets.UTF_8));
        Path localtime = root.resolve("etc/localtime");
        Files.deleteIfExists(localtime);
        Files.createSymbolicLink(localtime, Path.of("/usr/share/zoneinfo").resolve(planned));
      } catch (IOException e) {
        throw a.error("tried to configure name using a file \"/etc/timezone\", but could not write to it: "
            + e.getMessage());
      }
      if (onHost() && Files.isExecutable(Path.of("/usr/sbin/dpkg-reconfigure"))) {
        run(a, ctx, List.of("/usr/sbin/dpkg-reconfigure", "--frontend", "noninteractive", "tzdata"));
      }
      return Map.of("msg", msg);
    });
  }

  /** The collection's NosystemdTimezone.get('name'): /etc/timezone, checked against /etc/localtime. */
  private String current(Args a, String planned) throws TaskException {
    Path tzConf = root.resolve("etc/timezone");
    if (!Files.exists(tzConf)) {
      return "n/a";
    }
    Matcher m = FIRST_WORD.matcher(readOrEmpty(a, tzConf));
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

  private static String readOrEmpty(Args a, Path file) throws TaskException {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw a.error("tried to configure name using a file \"" + file + "\", but could not read it");
    }
  }

  private static String timedatectlZone(Args a, TaskContext ctx) throws TaskException, InterruptedException {
    Matcher m = TIMEDATECTL_ZONE.matcher(run(a, ctx, List.of("/usr/bin/timedatectl", "status")));
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
