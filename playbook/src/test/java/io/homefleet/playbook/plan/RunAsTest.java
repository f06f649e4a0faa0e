package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.model.RunAs;
import io.homefleet.playbook.run.InvocationContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** become, remote_user, async and poll: inherited at compile time, decided per host at run time. */
class RunAsTest {
  @TempDir Path tmp;
  PlanFixture f;

  @BeforeEach
  void setUp() {
    f = new PlanFixture(tmp);
  }

  @Test
  void compile_becomeKeywords_innermostWinsAndSurvivesTheCodec() throws Exception {
    f.play("""
          become: true
          remote_user: deploy
          tasks:
            - block:
                - name: t
                  ping:
                  become_user: "{{ who }}"
                  async: 30
                  poll: 0
              become_user: alice
              become_method: su
        """);
    PlanTask t = (PlanTask) ((PlanBlock) f.compile(0).items().stream().filter(PlanBlock.class::isInstance)
        .findFirst().orElseThrow()).block().get(0);
    assertThat(t.runAs()).isEqualTo(new RunAs("true", "{{ who }}", "su", "", "deploy", "30", "0"));
    PlanTask back = (PlanTask) ((PlanBlock) PlanCodec.decode(PlanCodec.encode(f.compile(0))).items().stream()
        .filter(PlanBlock.class::isInstance).findFirst().orElseThrow()).block().get(0);
    assertThat(back.runAs()).isEqualTo(t.runAs());
  }

  @Test
  void run_effectiveUser_asAnsibleDecidesIt() throws Exception {
    f.hostVars.put("who", "bob");
    f.hostVars.put("ansible_user", "carol");
    f.play("""
          tasks:
            - {name: become templated, ping: , become: true, become_user: "{{ who }}"}
            - {name: become default root, ping: , become: "{{ 1 == 1 }}"}
            - {name: remote_user, ping: , remote_user: dave}
            - {name: ansible_user, ping: }
            - {name: become false wins, ping: , become: false, become_user: erin}
            - {name: async poll default, ping: , async: 5}
        """);
    f.run();
    List<InvocationContext> calls = f.modules.calls("ping").stream().map(FsModules.Call::context).toList();
    assertThat(calls).extracting(InvocationContext::user).containsExactly("bob", "root", "dave", "carol", "carol",
        "carol");
    assertThat(calls.get(5).async()).isEqualTo(5);
    assertThat(calls.get(5).poll()).isEqualTo(15);
    assertThat(calls.get(0).async()).isZero();
  }

  @Test
  void compile_handlers_inheritThePlaysAndTheirRolesBecome_asAnsible() throws Exception {
    f.file("roles/web/tasks/main.yml", "- {name: t, ping: , notify: role h}\n");
    f.file("roles/web/handlers/main.yml", "- {name: role h, ping: }\n- {name: own, ping: , become_user: bob}\n");
    f.play("""
          remote_user: deploy
          roles:
            - role: web
              become: true
              become_user: alice
          handlers:
            - {name: play h, ping: }
        """);
    List<RunAs> handlers = f.compile(0).handlers().stream().map(h -> h.task().runAs()).toList();
    assertThat(handlers).containsExactlyInAnyOrder(new RunAs("true", "alice", "", "", "deploy", "", ""),
        new RunAs("true", "bob", "", "", "deploy", "", ""), new RunAs("", "", "", "", "deploy", "", ""));
  }
}
