package io.homefleet.agent.module;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Module;
import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.ModuleSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModulesTest {
  @Test
  void everyModule_hasASpecOfTheSameName_andEverySpecAModule() {
    Map<String, Module> modules = Modules.builtin();
    for (String name : modules.keySet()) {
      assertThat(ModuleSpecs.find(name)).as("spec for %s", name).get().extracting(ModuleSpec::name).isEqualTo(name);
    }
    // async_status is answered by exec.AsyncJobs (plays and ad-hoc runs), from the task user's job files;
    // reboot is each play's own (play.RebootModule), since it saves and resumes that play;
    // include_vars and fetch are the play's calls to the controller (playbook.run.PlayCalls).
    assertThat(ModuleSpecs.all().stream().map(ModuleSpec::name)
        .filter(n -> !java.util.Set.of("async_status", "reboot", "include_vars", "fetch").contains(n)))
        .containsExactlyInAnyOrderElementsOf(modules.keySet());
  }

  @Test
  void issue4Modules_areAllThere() {
    assertThat(Modules.builtin()).containsKeys("command", "shell", "file", "copy", "template", "lineinfile",
        "blockinfile", "stat", "apt", "systemd", "service", "user", "group", "cron", "get_url", "unarchive", "debug",
        "set_fact", "assert", "fail", "ping", "setup");
  }

  /**
   * The resident agent builds every module at start, and must not load a JSON codec or the
   * template engine for that: Jackson's ~400 classes stay in its metaspace for good (a module's
   * static ObjectMapper once did that; bench/README.md, "The agent after work").
   */
  @Test
  void buildingTheModules_loadsNoJsonCodecAndNoTemplateEngine() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:off", "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), Build.class.getName())
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> loaded = new String(out, StandardCharsets.UTF_8).lines().toList();
    assertThat(p.exitValue()).as(String.join("\n", loaded.subList(Math.max(0, loaded.size() - 20), loaded.size())))
        .isZero();
    assertThat(loaded).anyMatch(l -> l.contains("io.homefleet.agent.module.uri.UriModule "));
    assertThat(loaded).noneMatch(l -> l.contains("com.fasterxml.jackson.databind."))
        .noneMatch(l -> l.contains("com.hubspot.jinjava."));
  }

  /** The child JVM of the test above: builds the modules as AgentMain does, and exits. */
  static final class Build {
    public static void main(String[] args) {
      System.out.println("modules: " + Modules.builtin().size());
    }
  }
}
