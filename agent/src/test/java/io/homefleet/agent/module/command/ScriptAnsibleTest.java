package io.homefleet.agent.module.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code script} beside ansible-core 2.14's action plugin on this host: the same results, run and under --check. */
class ScriptAnsibleTest {
  private static final List<String> KEYS = List.of("changed", "failed", "skipped", "msg", "rc", "stdout", "stderr",
      "stdout_lines", "stderr_lines");

  @Test
  void everyCase_returnsWhatAnsiblesScriptReturns(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("scripts"));
    Path args = write(dir.resolve("args.sh"), "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\necho err >&2\n");
    Path fails = write(dir.resolve("fails.sh"), "#!/bin/sh\necho half\nexit 3\n");
    Path pwd = write(dir.resolve("pwd.sh"), "#!/bin/sh\npwd\n");
    Path quiet = write(dir.resolve("quiet.sh"), "#!/bin/sh\n:\n");
    Path bash = write(dir.resolve("bash-only"), "echo ${BASH_VERSINFO[0]:+bash}\n");
    Files.writeString(dir.resolve("exists"), "");
    List<Map<String, Object>> cases = List.of(
        Map.of("_raw_params", args + " one \"two words\" 'three'"),
        Map.of("cmd", args + " x"),
        Map.of("_raw_params", args.toString(), "creates", dir.resolve("exists").toString()),
        Map.of("_raw_params", args.toString(), "removes", dir.resolve("missing").toString()),
        Map.of("_raw_params", args.toString(), "creates", dir.resolve("missing").toString()),
        Map.of("_raw_params", fails.toString()),
        Map.of("_raw_params", pwd.toString(), "chdir", dir.toString()),
        Map.of("_raw_params", pwd.toString(), "chdir", "relative/dir"),
        Map.of("_raw_params", quiet.toString()),
        Map.of("_raw_params", bash.toString(), "executable", "/bin/bash"));
    List<String> problems = new ArrayList<>();
    for (boolean check : List.of(false, true)) {
      List<Map<String, Object>> theirs = AnsibleOracle.run(tmp,
          cases.stream().map(c -> new AnsibleOracle.Task("script", c)).toList(), check, false);
      for (int i = 0; i < cases.size(); i++) {
        Map<String, Object> mine = new LinkedHashMap<>(cases.get(i));
        String line = String.valueOf(mine.getOrDefault("_raw_params", mine.get("cmd")));
        mine.put(ScriptModule.BUNDLE_FILE, line.split(" ")[0]);
        Map<String, Object> ours = Run.of(new ScriptModule(), mine).check(check).workDir(tmp).go().registered();
        for (String k : KEYS) {
          Object their = theirs.get(i).get(k);
          Object our = ours.get(k);
          if (!Objects.equals(their, our) && !(their == null && Boolean.FALSE.equals(our))) {
            problems.add((check ? "--check " : "") + cases.get(i) + " " + k + ": Ansible " + their + ", homefleet "
                + our);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  private static Path write(Path p, String text) throws Exception {
    return Files.writeString(p, text);
  }
}
