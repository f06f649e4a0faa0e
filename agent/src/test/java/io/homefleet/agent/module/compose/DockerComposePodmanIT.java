package io.homefleet.agent.module.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker_compose against a real engine: Debian 12's podman 4.3 with runc, driven by
 * podman-compose 1.0.3, running a container from an image this test imports from a tiny root of
 * this machine's own dash and sleep (no registry). What it takes here (docs/testing.md): runc,
 * since crun refuses the cgroup v1/v2 hybrid; explicit ulimits no higher than this machine's own,
 * since the container runtime may not raise them; and podman run in a network namespace of the
 * test's own (through a {@code podman} wrapper on the task's PATH), so the bridge podman-compose
 * creates for the project is not on this machine's network.
 */
class DockerComposePodmanIT {
  private static final String PROJECT = "hfcomposeit";

  @TempDir
  Path tmp;

  @Test
  void aRealProject_comesUp_isLeftAloneUnchanged_isRecreatedOnAChange_andGoesAway() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root (podman, a network namespace)");
    for (String tool : List.of("/usr/bin/podman", "/usr/bin/podman-compose", "/usr/sbin/runc")) {
      assumeTrue(Files.isExecutable(Path.of(tool)), tool + " is missing (apt install podman podman-compose runc)");
    }
    String netns = "hfcompose-" + ProcessHandle.current().pid();
    String image = "localhost/homefleet-compose-it:" + ProcessHandle.current().pid();
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path project = tmp.resolve("srv/" + PROJECT);
    Map<String, String> env = environment(netns);
    try {
      run(List.of("ip", "netns", "add", netns));
      importTinyImage(image, env);

      Outcome first = apply(project, image, data, "hello", "present", env);
      assertThat(first.status()).as(first.data().toString()).isEqualTo(Outcome.Status.CHANGED);
      assertThat(first.data()).containsEntry("tool", "podman-compose");
      String id = awaitRunning(env);
      awaitContent(data.resolve("greeting"), "hello");

      Outcome second = apply(project, image, data, "hello", "present", env);
      assertThat(second.status()).isEqualTo(Outcome.Status.OK);
      assertThat(awaitRunning(env)).as("the same container: nothing ran").isEqualTo(id);

      Outcome changed = apply(project, image, data, "bonjour", "present", env);
      assertThat(changed.status()).isEqualTo(Outcome.Status.CHANGED);
      String recreated = awaitRunning(env);
      assertThat(recreated).isNotEqualTo(id);
      awaitContent(data.resolve("greeting"), "bonjour");

      Outcome absent = apply(project, image, data, "bonjour", "absent", env);
      assertThat(absent.status()).isEqualTo(Outcome.Status.CHANGED);
      assertThat(podman(env, "ps", "-a", "-q", "--filter", "label=io.podman.compose.project=" + PROJECT)).isBlank();
      assertThat(project).doesNotExist();
      assertThat(apply(project, image, data, "bonjour", "absent", env).status()).isEqualTo(Outcome.Status.OK);
    } finally {
      podman(env, "rm", "-f", "-a", "--filter", "label=io.podman.compose.project=" + PROJECT);
      podman(env, "network", "rm", "-f", PROJECT + "_default");
      podman(env, "rmi", "-f", image);
      run(List.of("ip", "netns", "delete", netns));
    }
  }

  private Outcome apply(Path project, String image, Path data, String greeting, String state, Map<String, String> env)
      throws Exception {
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("image", image);
    // A shell that ends on SIGTERM: as PID 1 without a trap it would make every stop wait 10 s for SIGKILL.
    service.put("command", List.of("/bin/sh", "-c", "echo $$GREETING > /out/greeting; trap 'exit 0' TERM; sleep 300 & wait"));
    service.put("environment", Map.of("GREETING", greeting));
    service.put("volumes", List.of(data + ":/out"));
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("project_name", PROJECT);
    args.put("project_src", project.toString());
    args.put("state", state);
    args.put("pull", "never");
    args.put("definition", Map.of("services", Map.of("app", service)));
    return Run.of(new DockerComposeModule(), args).environment(env).diff().go();
  }

  /**
   * The task's environment: a {@code podman} first on the PATH that runs the real one in the
   * test's network namespace ({@code nsenter}, which keeps this machine's /sys and so its
   * cgroups, where {@code ip netns exec} would mount a new one), and a containers.conf with runc
   * and ulimits this machine allows.
   */
  private Map<String, String> environment(String netns) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path wrapper = bin.resolve("podman");
    Files.writeString(wrapper, "#!/bin/sh\nexec nsenter --net=/run/netns/" + netns + " /usr/bin/podman \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    long nofile = Math.min(1024, limit("Max open files"));
    long nproc = Math.min(1024, limit("Max processes"));
    Path conf = Files.writeString(tmp.resolve("containers.conf"), "[containers]\ndefault_ulimits = [\"nofile=" + nofile
        + ":" + nofile + "\", \"nproc=" + nproc + ":" + nproc + "\"]\n[engine]\nruntime = \"runc\"\n");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("CONTAINERS_CONF", conf.toString());
    return env;
  }

  /** This process's soft limit from /proc/self/limits (unlimited reads as Long.MAX_VALUE). */
  private static long limit(String name) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith(name)) {
        Matcher m = Pattern.compile("\\s(\\d+|unlimited)\\s").matcher(line.substring(name.length()));
        if (m.find()) {
          return m.group(1).equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(m.group(1));
        }
      }
    }
    return 1024;
  }

  /** dash, sleep and their libraries from this machine, imported as an image: no registry, a few MB. */
  private void importTinyImage(String image, Map<String, String> env) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("image"));
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("out"));
    for (String b : List.of("/bin/dash", "/bin/sleep")) {
      copyInto(root, Path.of(b));
      for (String line : run(List.of("ldd", b)).split("\n")) {
        Matcher m = Pattern.compile("(/\\S+)").matcher(line);
        if (m.find()) {
          copyInto(root, Path.of(m.group(1)));
        }
      }
    }
    Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("dash"));
    Path tar = tmp.resolve("image.tar");
    run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
    assertThat(podman(env, "import", tar.toString(), image)).isNotBlank();
  }

  private static void copyInto(Path root, Path file) throws IOException {
    Path dest = root.resolve(file.toString().substring(1));
    Files.createDirectories(dest.getParent());
    Files.copy(file, dest, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The project's one container, once it runs: its id. */
  private String awaitRunning(Map<String, String> env) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String out = "";
    while (System.nanoTime() < end) {
      out = podman(env, "ps", "--filter", "label=io.podman.compose.project=" + PROJECT, "--filter", "status=running",
          "--format", "{{.ID}}").strip();
      if (out.matches("\\S+")) {
        return out;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the project's container is not running: " + out);
  }

  private static void awaitContent(Path file, String text) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      if (Files.isRegularFile(file) && Files.readString(file).strip().equals(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(file + " never said " + text);
  }

  private static String podman(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(env.get("PATH").split(":")[0] + "/podman"));
    cmd.addAll(List.of(args));
    return run(cmd, env, false);
  }

  private static String run(List<String> cmd) throws Exception {
    return run(cmd, Map.of(), true);
  }

  private static String run(List<String> cmd, Map<String, String> env, boolean check) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " timed out");
    }
    if (check && p.exitValue() != 0) {
      throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }
}
