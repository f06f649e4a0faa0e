package io.homefleet.agent.module;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Module;
import io.homefleet.playbook.spec.ModuleSpec;
import io.homefleet.playbook.spec.ModuleSpecs;
import java.util.Map;
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
}
