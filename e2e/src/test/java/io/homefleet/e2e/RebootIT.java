package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reboot} with the packaged controller and a real agent on loopback whose "machine"
 * reboots: the play's {@code reboot_command} is a script that changes the file its
 * {@code boot_time_command} reads and SIGKILLs the agent and its play worker, as a reboot ends
 * them; the test starts the agent again when it exits, as systemd's {@code Restart=} would. The
 * play goes on after the reboot task: the tasks after it run once, a result registered before it
 * is used after it, a handler notified before it runs at the end, the recap counts every task, and
 * the reboot's result says {@code rebooted}. A boot id that never changes fails the task with
 * Ansible's message, and the host's play ends there.
 */
class RebootIT {

  @Test
  void reboot_agentDiesWithTheMachine_playGoesOnAfterTheBoot_andATimeoutFailsAsAnsible(@TempDir Path tmp)
      throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Path bootId = out.resolve("boot_id");
    Files.writeString(bootId, "boot-1\n");
    Path pidFile = out.resolve("agent.pid");
    Path script = out.resolve("reboot.sh");
    Files.writeString(script, """
        #!/bin/sh
        # A new boot id, then the end of the agent and of its play worker: what a reboot does to them.
        echo boot-2 > %s
        agent=$(cat %s)
        pkill -KILL -P "$agent"
        kill -KILL "$agent"
        """.formatted(bootId, pidFile));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(pb.resolve("reboot.yml"), """
        - hosts: agent-a
          gather_facts: false
          tasks:
            - command: echo before-reboot
              register: before
            - copy: {content: "x\\n", dest: "%1$s/notified.txt"}
              notify: after the reboot
            - name: reboot the host
              reboot:
                reboot_command: %2$s
                boot_time_command: cat %3$s
                reboot_timeout: 120
              register: rb
            - shell: echo "{{ before.stdout }} rebooted={{ rb.rebooted }}" >> %1$s/after.txt
            - shell: echo once >> %1$s/once.txt
          handlers:
            - name: after the reboot
              shell: echo handler >> %1$s/handler.txt
        """.formatted(out, script, bootId));
    Files.writeString(pb.resolve("stuck.yml"), """
        - hosts: agent-a
          gather_facts: false
          tasks:
            - reboot: {reboot_command: /bin/true, boot_time_command: "cat %2$s", reboot_timeout: 3}
            - shell: echo never >> %1$s/never.txt
        """.formatted(out, bootId));

    Files.createDirectories(tmp.resolve("fleet"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger restarts = new AtomicInteger();
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] a = fleet.token("agent-a", "dev");
      Process first = fleet.startAgent("agent-a", fleet.agentConfig("agent-a", a[0], a[1]));
      Files.writeString(pidFile, first.pid() + "\n");
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");
      Path again = fleet.agentConfig("agent-a", null, a[1]);
      Thread supervisor = new Thread(() -> {
        try {
          while (!stop.get()) {
            Process p = fleet.agentProcess("agent-a");
            if (p != null && p.waitFor(200, TimeUnit.MILLISECONDS) && !stop.get()) {
              restarts.incrementAndGet();
              Process next = fleet.startAgent("agent-a", again);
              Files.writeString(pidFile, next.pid() + "\n");
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "restart-agent");
      supervisor.setDaemon(true);
      supervisor.start();
      try {
        scenarios(fleet, pb, out, restarts);
      } finally {
        stop.set(true); // before the fleet closes: its agent's end is no reboot
      }
    }
  }

  private static void scenarios(Fleet fleet, Path pb, Path out, AtomicInteger restarts) throws Exception {
    {
      Fleet.Result play = fleet.cli("play", pb.resolve("reboot.yml").toString());
      System.out.println(play.all());
      assertThat(play.exitCode()).as(play.all() + "\n" + fleet.logs()).isZero();
      assertThat(restarts.get()).as("the agent 'rebooted' once").isEqualTo(1);
      assertThat(play.stdout()).contains("changed: [agent-a]", "agent-a", "ok=6", "changed=6", "failed=0",
          "unreachable=0");
      assertThat(out.resolve("after.txt")).hasContent("before-reboot rebooted=True");
      assertThat(out.resolve("once.txt")).hasContent("once");
      assertThat(out.resolve("handler.txt")).hasContent("handler");
      String run = Fleet.jsonField(fleet.cli("runs", "--json").stdout(), "id");
      Fleet.Result shown = fleet.cli("runs", "show", run, "--json");
      assertThat(shown.stdout()).as(shown.all()).contains("\"rebooted\" : true");
      Path checkpoints = fleet.dir.resolve("agents/agent-a/state/reboot");
      try (var files = Files.list(checkpoints)) {
        assertThat(files).as("the checkpoint is removed once used").isEmpty();
      }

      // The boot id never changes: the task fails as Ansible's does, and the play ends for the host.
      fleet.awaitOnline(Duration.ofSeconds(60), "agent-a");
      Fleet.Result stuck = fleet.cli("play", pb.resolve("stuck.yml").toString());
      System.out.println(stuck.all());
      assertThat(stuck.exitCode()).as(stuck.all()).isEqualTo(2);
      assertThat(stuck.stdout()).contains("Timed out waiting for last boot time check (timeout=3)", "failed=1");
      assertThat(out.resolve("never.txt")).doesNotExist();
      assertThat(restarts.get()).isEqualTo(1);
    }
  }
}
