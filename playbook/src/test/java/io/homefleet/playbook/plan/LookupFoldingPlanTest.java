package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.compile.ControllerLookups;
import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.vars.Precedence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Constant controller lookups answered at compile time: the host runs them with no controller to ask. */
class LookupFoldingPlanTest {
  @TempDir Path tmp;

  private HostPlan compile(PlanFixture f) throws Exception {
    EnumMap<Precedence, Map<String, Object>> vars = new EnumMap<>(Precedence.class);
    vars.put(Precedence.INVENTORY_HOST, f.hostVars);
    // The play's vars, as the controller's VarScope layers them.
    vars.put(Precedence.PLAY_VARS, Map.of("motd", "{{ lookup('file', 'motd') }}"));
    ControllerLookups lookups = ControllerLookups.snapshot(f.dir, Inventory.empty(), tmp.resolve("data"));
    return PlanCodec.decode(PlanCodec.encode(PlanCompiler.compile(f.load(), 0, vars, PlanOptions.DEFAULT, lookups)));
  }

  @Test
  void constantLookups_areAnsweredInThePlan_andRunWithoutTheController() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("files/motd", "hello {{ not_rendered }}\n")
        .file("files/one", "1").file("files/two", "2")
        .play("""
              tasks:
                - copy: {content: "{{ motd }}|{{ lookup('file', 'one', 'two') | upper }}", dest: "@OUT@/a"}
                - copy: {content: "{{ item }}", dest: "@OUT@/{{ item }}"}
                  with_file: [one, two]
                - copy: {content: "{{ lookup('password', 'pw length=9') }}", dest: "@OUT@/pw"}
                - copy: {content: "{{ 'none' if lookup('file', 'nope', errors='ignore') is none else 'x' }}", dest: "@OUT@/ignored"}
            """);
    HostPlan plan = compile(f);
    assertThat(plan.vars().get(Precedence.MAGIC)).containsKey("__hf_lookup_0");
    assertThat(PlanCodec.encode(plan.with(Map.of(), plan.roles(), plan.secrets())).length).isPositive();
    PlayRecap recap = new PlanRunner().run(plan, f.bundle, f.modules, f.events);
    assertThat(recap.failed()).as("%s", f.events.finished).isZero();
    assertThat(Files.readString(f.out.resolve("a"))).isEqualTo("hello {{ not_rendered }}|1,2");
    assertThat(Files.readString(f.out.resolve("1"))).isEqualTo("1");
    assertThat(Files.readString(f.out.resolve("2"))).isEqualTo("2");
    String pw = Files.readString(f.out.resolve("pw"));
    assertThat(pw).hasSize(9);
    assertThat(plan.secrets()).contains(pw);
    assertThat(Files.readString(tmp.resolve("data/lookups/passwords/pw"))).isEqualTo(pw + "\n");
    assertThat(Files.readString(f.out.resolve("ignored"))).isEqualTo("none");
  }

  @Test
  void aLookupOfAVariable_isLeftForTheHost() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("files/one", "1").play("""
              tasks:
                - copy: {content: "{{ lookup('file', name) }}", dest: "@OUT@/a"}
                  vars: {name: one}
            """);
    HostPlan plan = compile(f);
    PlanTask t = plan.items().stream().filter(i -> i instanceof PlanTask p && p.module().equals("copy"))
        .map(PlanTask.class::cast).findFirst().orElseThrow();
    assertThat(t.args().get("content")).isEqualTo("{{ lookup('file', name) }}");
    PlayRecap recap = new PlanRunner().run(plan, f.bundle, f.modules, f.events);
    assertThat(recap.failed()).isEqualTo(1); // no controller to ask in this runner
  }

  @Test
  void firstFound_shipsTheFileItFound() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("files/b.conf", "b").play("""
              tasks:
                - copy: {content: "{{ lookup('first_found', ['a.conf', 'b.conf']) | basename }}", dest: "@OUT@/ff"}
            """);
    HostPlan plan = compile(f);
    assertThat(plan.files()).containsKey("files/b.conf");
    new PlanRunner().run(plan, f.bundle, f.modules, f.events);
    assertThat(Files.readString(f.out.resolve("ff"))).isEqualTo("b.conf");
  }
}
