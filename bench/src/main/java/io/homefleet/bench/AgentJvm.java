package io.homefleet.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A measurement run in a JVM of its own on the agent's class path (the benchmarks' own class
 * path has none of the agent's modules), with the JIT flags of the agent process it stands for.
 */
final class AgentJvm {
  private AgentJvm() {}

  /** Runs {@code mainClass} with {@code args}; its {@code key=value} lines are the figures. */
  static Map<String, Object> run(Path root, String mainClass, List<String> jvmFlags, String... args) throws Exception {
    String cp = String.join(":", AgentJvm.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
        root.resolve("agent/target/homefleet-agent.jar").toString(), root.resolve("agent/target/lib/*").toString());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", cp, mainClass));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Object> out = new LinkedHashMap<>();
    for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(mainClass + " failed (exit " + p.exitValue() + ")");
    }
    return out;
  }
}
