package io.homefleet.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a no-op task costs on each of the agent's two paths: the native {@code ping} module, and
 * Ansible's own {@code ping} run with python3 ({@code ansible.builtin.ping} forced through the
 * python path). Wall time per task in the calling JVM, and CPU per task of this process and its
 * children (python's included), after a warm-up.
 */
final class ModulePaths {
  private ModulePaths() {}

  /**
   * Runs the measurement in a JVM of its own on the agent's class path (the benchmarks' own class
   * path has none of the agent's modules), with the agent launcher's JIT flags.
   */
  static Map<String, Object> measure(Path root, Path dir, int runs) throws Exception {
    String cp = String.join(":", ModulePaths.class.getProtectionDomain().getCodeSource().getLocation().getPath(),
        root.resolve("agent/target/homefleet-agent.jar").toString(), root.resolve("agent/target/lib/*").toString());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=2", "-cp", cp, "io.homefleet.bench.ModulePathsChild",
        dir.toString(), String.valueOf(runs)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Object> out = new LinkedHashMap<>();
    for (String line : new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("the module-path measurement failed (exit " + p.exitValue() + ")");
    }
    return out;
  }
}
