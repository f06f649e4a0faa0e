package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 3, what was left of become: copy (content, a file), template,
 * unarchive, script, wait_for and pause as a user the test creates, into a directory that user
 * owns and one it cannot write, and a role's handler under the role's become; the same plays run
 * by homefleet's agent and by ansible-playbook in one network-namespace host: recaps and end
 * states must be equal.
 */
class Become2SideBySideIT {
  private static final String USER = "hftest";

  @Test
  void actionPluginModulesAndRoleHandlers_asAnotherUser_giveAnsiblesEndStateAndRecap(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("pb");
    copyTree(Path.of(getClass().getResource("/side-by-side/become2").toURI()), dir);
    Files.createDirectories(tmp.resolve("arch"));
    Files.writeString(tmp.resolve("arch/leaf"), "archived\n");
    run(List.of("tar", "-C", tmp.toString(), "-czf", dir.resolve("files/t.tgz").toString(), "arch"));
    Path site = dir.resolve("site.yml");
    run(List.of("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-b2");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-b2");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-b2");
      SideBySide tools = new SideBySide(controller, host, tmp.resolve("side-by-side"));
      Files.createDirectories(host.root().resolve("side-by-side"));
      SideBySide.openToOthers(host.root().resolve("side-by-side"));
      // ansible-playbook's module temp dir, made by root: become to hftest writes in it, as in /tmp.
      run(List.of("chmod", "1777", tmp.resolve("side-by-side/ansible-tmp").toString()));

      SideBySide.Round first = tools.play(site);
      first.assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 2);
      String mine = "hftest:hftest";
      assertThat(first.homefleetState())
          .containsEntry("/u/content", "file rw-r----- " + mine + " \"from content\\n\"")
          .containsEntry("/u/plain.txt", "file rw-r--r-- " + mine + " \"plain\\n\"")
          .containsEntry("/u/motd", "file rw-r--r-- " + mine + " \"hello world from sbs-b2\\n\"")
          .containsEntry("/u/arch/leaf", "file rw-r--r-- " + mine + " \"archived\\n\"")
          .containsEntry("/u/script-who", "file rw-r--r-- " + mine + " \"hftest\\n\"")
          .containsEntry("/u/handler-who", "file rw-r--r-- " + mine + " \"hftest\\n\"")
          .containsEntry("/failures", "file rw-r--r-- root:root \"denied=True intodir=True can not use content with a"
              + " dir as dest\\n\"")
          .doesNotContainKey("/locked/not-theirs");
      SideBySide.Round second = tools.play(site).assertSame();
      assertThat(second.homefleet().exitCode()).as(second.homefleet().all()).isZero();
    } finally {
      run(List.of("userdel", "--remove", USER));
    }
  }

  @Test
  void delegatedTask_runsOnTheOtherHostAsItsBecomeUser(@TempDir Path tmp) throws Exception {
    Path pb = tmp.resolve("pb/delegation.yml");
    Files.createDirectories(pb.getParent());
    Files.copy(Path.of(getClass().getResource("/side-by-side/become2/delegation.yml").toURI()), pb);
    run(List.of("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "bdl-1", "bdl-2");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      for (TestHost h : net.hosts()) {
        controller.enroll(h, "dev", Map.of("suite", "become2"));
      }
      controller.awaitStatus(Duration.ofSeconds(90), "online", "bdl-1", "bdl-2");
      HostsSideBySide tools = new HostsSideBySide(controller, List.of(net.host("bdl-1"), net.host("bdl-2")),
          tmp.resolve("side-by-side"), Map.of("bdl-1", Map.of("other", "bdl-2"), "bdl-2", Map.of("other", "bdl-1")));
      for (TestHost h : net.hosts()) {
        Files.createDirectories(h.root().resolve("side-by-side"));
        SideBySide.openToOthers(h.root().resolve("side-by-side"));
      }
      run(List.of("chmod", "1777", tmp.resolve("side-by-side/ansible-tmp").toString()));

      HostsSideBySide.Round first = tools.play(pb).assertSame();
      assertThat(first.homefleet().exitCode()).as(first.homefleet().all()).isZero();
      assertThat(first.homefleetState())
          .containsEntry("bdl-1:/delegated-who", "file rw-r--r-- root:root \"hftest\\n\"")
          .containsEntry("bdl-2:/u/from-bdl-1", "file rw-r--r-- hftest:hftest \"bdl-1\\n\"")
          .containsEntry("bdl-1:/u/from-bdl-2", "file rw-r--r-- hftest:hftest \"bdl-2\\n\"");
      tools.play(pb).assertSame();
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

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
