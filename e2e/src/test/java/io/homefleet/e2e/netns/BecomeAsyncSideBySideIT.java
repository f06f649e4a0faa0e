package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 3: become/become_user (a user the test creates, files made by it, a path it
 * cannot write, become: false) and async (poll, poll: 0 with an async_status until-loop, a time
 * limit under ignore_errors), the same plays run by homefleet's agent and by ansible-playbook
 * in one network-namespace host: recaps and end states must be equal. remote_user is checked on
 * homefleet alone: Ansible's local connection ignores it, where the agent runs as it, as Ansible
 * over ssh logs in as it.
 */
class BecomeAsyncSideBySideIT {
  private static final String USER = "hftest";

  @Test
  void becomeAndAsync_giveAnsiblesEndStateAndRecap(@TempDir Path tmp) throws Exception {
    Path become = fixture(tmp, "become.yml");
    Path async = fixture(tmp, "async.yml");
    run(List.of("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-b");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-b");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-b");
      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      // ansible-playbook's HOME is a directory of the test's, and its async_status would look there otherwise.
      tools.ansibleConfig("async_dir = /root/.ansible_async\n");
      // The test user must reach its trees: the temporary directories above them are the test's alone.
      Files.createDirectories(host.root().resolve("side-by-side"));
      SideBySide.openToOthers(host.root().resolve("side-by-side"));
      // ansible-playbook's module temp dir, made by root: become to hftest writes in it, as in /tmp.
      run(List.of("chmod", "1777", tmp.resolve("side-by-side/ansible-tmp").toString()));

      SideBySide.Round first = tools.play(become);
      first.assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      assertThat(first.homefleetState())
          .containsEntry("/as-user", "file rw-r--r-- root:root \"hftest | hftest hftest /home/hftest hftest hftest\"")
          .containsEntry("/u/by-shell", "file rw-r--r-- hftest:hftest \"made\\n\"")
          .containsEntry("/u/lines", "file rw-r----- hftest:hftest \"one\\n\"")
          .containsEntry("/u/dir", "dir rwxr-x--- hftest:hftest")
          .containsEntry("/denied", "file rw-r--r-- root:root \"failed=True\"")
          .containsEntry("/plain", "file rw-r--r-- root:root \"root\"")
          .containsEntry("/locked", "dir rwxr-xr-x root:root")
          .doesNotContainKey("/locked/not-theirs");
      assertThat(tools.play(become).assertSame().changed()).as("second run").isEqualTo(3);

      SideBySide.Round jobs = tools.play(async).assertSame();
      assertThat(jobs.homefleet().exitCode()).as(jobs.homefleet().all()).isZero();
      assertThat(jobs.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      assertThat(jobs.homefleetState())
          .containsEntry("/polled", "file rw-r--r-- root:root \"finished=1 started=1 rc=0 jid=True file=True\"")
          .containsEntry("/started", "file rw-r--r-- root:root \"started=1 finished=0\"")
          .containsEntry("/background", "file rw-r--r-- root:root \"done\\n\"")
          .containsEntry("/waited", "file rw-r--r-- root:root \"finished=1 rc=0\"")
          .containsEntry("/cleanup", "file rw-r--r-- root:root \"erased=True changed=False\"")
          .containsEntry("/slow", "file rw-r--r-- root:root \"async task did not complete within the requested time - 2s\"");

      Path remote = tmp.resolve("pb/remote-user.yml");
      Files.writeString(remote, "- hosts: all\n  gather_facts: false\n  remote_user: " + USER + "\n  tasks:\n"
          + "    - {command: whoami, register: who}\n"
          + "    - {copy: {dest: '{{ root }}/remote-user', content: '{{ who.stdout }}'}, remote_user: root}\n"
          + "    - {command: whoami, become: true, become_user: nosuchuser-hf, ignore_errors: true, register: none}\n"
          + "    - {copy: {dest: '{{ root }}/unknown-user', content: '{{ none.msg }}'}, remote_user: root}\n");
      CommandResult hf = controller.cli("play", remote.toString(), "-i",
          tmp.resolve("side-by-side/homefleet-inventory.yml").toString());
      assertThat(hf.exitCode()).as(hf.all()).isZero();
      Path root = host.root().resolve("side-by-side/homefleet");
      assertThat(Files.readString(root.resolve("remote-user"))).isEqualTo(USER);
      assertThat(Files.readString(root.resolve("unknown-user"))).contains("'nosuchuser-hf'", "no such user");
    } finally {
      run(List.of("userdel", "--remove", USER));
    }
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue());
    }
  }

  private Path fixture(Path tmp, String name) throws IOException {
    Path p = tmp.resolve("pb").resolve(name);
    Files.createDirectories(p.getParent());
    try (InputStream in = getClass().getResourceAsStream("/side-by-side/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }
}
