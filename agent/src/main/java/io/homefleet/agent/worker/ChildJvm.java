package io.homefleet.agent.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The command line of a JVM the agent starts for work it keeps out of its own process (plays,
 * enrollment): this JVM's {@code java} (its {@code java.home}), the flags of the environment
 * variable when it is set, else the given flags and the class-data archive named {@code archive}
 * beside the agent's jar when the build made one, the agent's log levels, its class path.
 */
public final class ChildJvm {
  private ChildJvm() {
  }

  public static List<String> command(String optsEnv, String defaultOpts, String archive, String main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv(optsEnv);
    if (opts != null) {
      cmd.addAll(split(opts));
    } else {
      cmd.addAll(split(defaultOpts));
      besideJar(archive).ifPresent(jsa -> {
        cmd.add("-XX:SharedArchiveFile=" + jsa);
        cmd.add("-Xshare:auto");
      });
    }
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.equals("homefleet.log") || k.startsWith("homefleet.log.")).sorted()
        .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static List<String> split(String opts) {
    return Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  /** The file {@code name} beside the jar this class came from, if there is one. */
  private static Optional<Path> besideJar(String name) {
    try {
      Path jar = Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path file = jar.resolveSibling(name);
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
