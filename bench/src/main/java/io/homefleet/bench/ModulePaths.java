package io.homefleet.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a no-op task costs on each of the agent's two paths: the native {@code ping} module, and
 * Ansible's own {@code ping} run with python3 ({@code ansible.builtin.ping} forced through the
 * python path). Wall time per task in the calling JVM, and CPU per task of this process and its
 * children (python's included), after a warm-up.
 */
final class ModulePaths {
  private ModulePaths() {}

  /** In a JVM of its own, with the agent launcher's JIT flags. */
  static Map<String, Object> measure(Path root, Path dir, int runs) throws Exception {
    return AgentJvm.run(root, "io.homefleet.bench.ModulePathsChild",
        List.of("-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=2"), dir.toString(), String.valueOf(runs));
  }
}
