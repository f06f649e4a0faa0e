package io.homefleet.agent.module.hostname;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code hostname} as it runs on Debian: with systemd running (or {@code use: systemd}
 * or {@code debian}, which Ansible maps to systemd), the static and transient names through
 * {@code hostnamectl}; otherwise Ansible's Debian strategy, the file /etc/hostname alone (its
 * "current" name is the file's too). Returns {@code name} and the facts Ansible sets
 * ({@code ansible_hostname}, {@code ansible_nodename}, {@code ansible_fqdn},
 * {@code ansible_domain}); the diff is Ansible's {@code hostname = NAME} text.
 *
 * <p>{@code root} prefixes /etc/hostname and the systemd canaries: "/" on a host, a temporary
 * tree in tests (which may not rename the build host).
 */
public final class HostnameModule implements StateModule {
  private final Path root;

  public HostnameModule() {
    this(Path.of("/"));
  }

  /** A module working under {@code root} (tests: a directory standing in for the host's /). */
  public HostnameModule(Path root) {
    this.root = root;
  }

  @Override
  public String name() {
    return "hostname";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String name = a.required("name");
    String use = a.str("use").orElse(null);
    boolean systemd;
    if (use == null) {
      systemd = Files.isExecutable(Path.of("/usr/bin/systemctl"))
          && List.of("run/systemd/system", "dev/.run/systemd", "dev/.systemd").stream().anyMatch(c -> Files.exists(root.resolve(c)));
    } else if (use.equals("systemd") || use.equals("debian")) {
      systemd = true;
    } else if (use.equals("generic") || use.equals("alpine")) {
      systemd = false;
    } else {
      throw a.error("use: " + use + " is not supported by homefleet (its hosts are Debian: systemd, debian, generic)");
    }
    Path file = root.resolve("etc/hostname");
    String permanent = systemd ? hostnamectl(a, ctx, "--static", "status") : readFile(a, file);
    String current = systemd ? hostnamectl(a, ctx, "--transient", "status") : permanent;
    if (systemd && name.length() > 64) {
      throw a.error("name cannot be longer than 64 characters on systemd servers, try a shorter name");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", name);
    data.put("ansible_facts", facts(name));
    if (name.equals(current) && name.equals(permanent)) {
      return Plan.inSync(data);
    }
    String before = !name.equals(current) ? current : permanent;
    Diff diff = new Diff("hostname = " + before + "\n", "hostname = " + name + "\n", "", "");
    return new Plan.Drift(diff, data, () -> {
      if (systemd) {
        // Static before transient, as Ansible does, so NetworkManager does not complain.
        if (!name.equals(permanent)) {
          hostnamectl(a, ctx, "--pretty", "--static", "set-hostname", name);
        }
        if (!name.equals(current)) {
          hostnamectl(a, ctx, "--transient", "set-hostname", name);
        }
      } else {
        try {
          AtomicFiles.write(file, (name + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw a.error("failed to update hostname: " + e.getMessage());
        }
      }
      return Map.of();
    });
  }

  private static String readFile(Args a, Path file) throws TaskException {
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
    } catch (IOException e) {
      throw a.error("failed to read hostname: " + e.getMessage());
    }
  }

  private static String hostnamectl(Args a, TaskContext ctx, String... args) throws TaskException, InterruptedException {
    List<String> argv = new java.util.ArrayList<>(List.of("hostnamectl"));
    argv.addAll(List.of(args));
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error("Command failed rc=" + r.rc() + ", out=" + r.stdout() + ", err=" + r.stderr());
    }
    return r.stdout().strip();
  }

  /** The facts Ansible's module returns: the short name, the node name, and the resolver's FQDN and domain. */
  private static Map<String, Object> facts(String name) {
    String fqdn;
    try {
      fqdn = InetAddress.getLocalHost().getCanonicalHostName();
    } catch (IOException e) {
      fqdn = name;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("ansible_hostname", name.split("\\.", -1)[0]);
    f.put("ansible_nodename", name);
    f.put("ansible_fqdn", fqdn);
    f.put("ansible_domain", fqdn.contains(".") ? fqdn.substring(fqdn.indexOf('.') + 1) : "");
    return f;
  }
}
