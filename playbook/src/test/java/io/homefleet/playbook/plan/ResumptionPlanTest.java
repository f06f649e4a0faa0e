package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.ModuleInvoker;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.run.PlayCalls;
import io.homefleet.playbook.run.Resumption;
import io.homefleet.playbook.template.Templar;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that ends at a reboot task (its process dies: here its invoker is interrupted there) and
 * a second run from the state it saved, as the play worker does after the boot.
 */
class ResumptionPlanTest {
  private static final Templar TEMPLAR = new Templar();

  /** Saves what the run hands over before a reboot, and resumes from what it was given. */
  private static final class Saved implements Resumption {
    byte[] state;
    int taskId = -1;
    final byte[] from;

    Saved(byte[] from) {
      this.from = from;
    }

    @Override
    public Optional<byte[]> resumeFrom() {
      return Optional.ofNullable(from);
    }

    @Override
    public void before(int id, byte[] s) {
      taskId = id;
      state = s;
    }
  }

  /** The host's modules, with a reboot that ends the process on the first run and reports after the boot on the second. */
  private static ModuleInvoker withReboot(FsModules modules, boolean afterBoot) {
    return (module, args, ctx) -> {
      if (!module.equals("reboot")) {
        return modules.invoke(module, args, ctx);
      }
      if (!afterBoot) {
        throw new InterruptedException("the machine went down");
      }
      return new ModuleResult(TaskStatus.CHANGED, Map.of("changed", true, "rebooted", true, "elapsed", 7));
    };
  }

  private static PlayRecap twoRuns(PlanFixture f) throws Exception {
    HostPlan plan = PlanCodec.decode(PlanCodec.encode(f.compile(0)));
    Saved first = new Saved(null);
    assertThatThrownBy(() -> new PlanRunner(TEMPLAR).run(plan, f.bundle, withReboot(f.modules, false), PlayCalls.ALONE,
        f.events, first)).isInstanceOf(InterruptedException.class);
    assertThat(first.state).as("the state is saved before the reboot runs").isNotNull();
    f.events.finished.clear();
    return new PlanRunner(TEMPLAR).run(plan, f.bundle, withReboot(f.modules, true), PlayCalls.ALONE, f.events,
        new Saved(first.state));
  }

  @Test
  void resume_goesOnAfterTheReboot_withRegisteredResultsHandlersAndCounters(@TempDir Path tmp) throws Exception {
    PlanFixture f = new PlanFixture(tmp).play("""
          tasks:
            - name: before
              shell: echo before >> @OUT@/before.txt; echo from-before
              register: b
            - set_fact: {marker: kept}
            - name: notify
              copy: {content: "x", dest: "@OUT@/n.txt"}
              notify: handler
            - block:
                - name: reboot
                  reboot: {reboot_timeout: 60}
                  register: rb
                - name: after
                  shell: echo "{{ b.stdout }} {{ marker }} {{ rb.rebooted }}" >> @OUT@/after.txt
          handlers:
            - name: handler
              shell: echo handler >> @OUT@/handler.txt
        """);

    PlayRecap recap = twoRuns(f);

    assertThat(f.read("before.txt")).as("nothing before the reboot runs twice").isEqualTo("before\n");
    assertThat(f.read("after.txt")).isEqualTo("from-before kept True\n");
    assertThat(f.read("handler.txt")).isEqualTo("handler\n");
    assertThat(f.events.names()).containsExactly("reboot", "after", "handler");
    assertThat(f.events.result("reboot").result()).containsEntry("rebooted", true);
    assertThat(recap.ok()).isEqualTo(6);
    assertThat(recap.changed()).isEqualTo(5);
    assertThat(recap.failed()).isZero();
  }

  @Test
  void resume_ofARebootHandler_runsTheOtherHandlersOfThatFlush(@TempDir Path tmp) throws Exception {
    PlanFixture f = new PlanFixture(tmp).play("""
          tasks:
            - name: change
              copy: {content: "x", dest: "@OUT@/n.txt"}
              notify: [reboot it, after it]
            - meta: flush_handlers
            - name: later
              shell: echo later >> @OUT@/later.txt
          handlers:
            - name: reboot it
              reboot: {}
            - name: after it
              shell: echo after >> @OUT@/handler.txt
        """);

    PlayRecap recap = twoRuns(f);

    assertThat(f.events.names()).containsExactly("reboot it", "after it", "later");
    assertThat(f.read("handler.txt")).isEqualTo("after\n");
    assertThat(f.read("later.txt")).isEqualTo("later\n");
    assertThat(recap.changed()).isEqualTo(4);
  }

  @Test
  void load_refusesARebootInALoop_placed(@TempDir Path tmp) {
    PlanFixture f = new PlanFixture(tmp).play("""
          tasks:
            - reboot: {}
              loop: [1, 2]
        """);

    assertThatThrownBy(f::load).isInstanceOf(PlaybookException.class)
        .hasMessageContaining("site.yml:4:7")
        .hasMessageContaining("reboot cannot run in a loop");
  }
}
