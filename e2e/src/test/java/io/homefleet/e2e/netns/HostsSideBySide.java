package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link SideBySide} for plays whose tasks involve several hosts (delegate_to, run_once,
 * throttle): homefleet runs the play on the hosts' agents; ansible-playbook runs it from the
 * test's namespace with each host's modules run inside that host's network namespace (its
 * {@code ansible_python_interpreter} is {@code ip netns exec NS python3}), so a task delegated to
 * a host runs there with either tool. Each host has its own tree per tool, passed as {@code root};
 * recaps and trees must be equal host by host.
 */
final class HostsSideBySide {
  private final TestController controller;
  private final List<TestHost> hosts;
  private final Path work;

  /** @param hostVars per host, more inventory variables (both tools get them) */
  HostsSideBySide(TestController controller, List<TestHost> hosts, Path work, Map<String, Map<String, String>> hostVars)
      throws IOException {
    this.controller = controller;
    this.hosts = List.copyOf(hosts);
    this.work = work;
    Files.createDirectories(work.resolve("ansible-home"));
    Files.createDirectories(work.resolve("ansible-tmp"));
    Files.writeString(work.resolve("ansible.cfg"), "[defaults]\n");
    // A group of their own: homefleet's all also holds every enrolled host.
    StringBuilder hf = new StringBuilder("all:\n  children:\n    side_by_side:\n      hosts:\n");
    StringBuilder an = new StringBuilder("all:\n  children:\n    side_by_side:\n      hosts:\n");
    for (TestHost h : hosts) {
      Path python = work.resolve("python-" + h.name());
      Files.writeString(python, "#!/bin/sh\nexec ip netns exec " + h.namespace() + " /usr/bin/python3 \"$@\"\n");
      Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
      String in = "          ";
      hf.append("        ").append(h.name()).append(":\n").append(in).append("root: ").append(root(h, "homefleet"))
          .append('\n');
      an.append("        ").append(h.name()).append(":\n").append(in).append("ansible_connection: local\n").append(in)
          .append("ansible_python_interpreter: ").append(python).append('\n').append(in).append("root: ")
          .append(root(h, "ansible")).append('\n');
      for (Map.Entry<String, String> v : hostVars.getOrDefault(h.name(), Map.of()).entrySet()) {
        hf.append(in).append(v.getKey()).append(": ").append(v.getValue()).append('\n');
        an.append(in).append(v.getKey()).append(": ").append(v.getValue()).append('\n');
      }
    }
    Files.writeString(work.resolve("homefleet-inventory.yml"), hf.toString());
    Files.writeString(work.resolve("ansible-inventory.yml"), an.toString());
  }

  private static Path root(TestHost h, String tool) {
    return h.root().resolve("side-by-side/" + tool);
  }

  /** One run of a playbook by both tools: per host its recap and its tree. */
  record Round(CommandResult homefleet, CommandResult ansible, Map<String, Map<String, Integer>> homefleetRecap,
      Map<String, Map<String, Integer>> ansibleRecap, Map<String, String> homefleetState,
      Map<String, String> ansibleState) {

    Round assertSame() {
      String both = homefleet.all() + "\n----- ansible-playbook -----\n" + ansible.all();
      assertThat(homefleetRecap).as("recaps\n" + both).isEqualTo(ansibleRecap);
      assertThat(homefleetState).as("end state (homefleet's trees against ansible-playbook's)\n" + both)
          .containsExactlyEntriesOf(ansibleState);
      return this;
    }
  }

  Round play(Path playbook) throws IOException {
    CommandResult hf = controller.cli("play", playbook.toString(), "-i", work.resolve("homefleet-inventory.yml").toString());
    CommandResult ans = Commands.run(Duration.ofSeconds(300), List.of("/usr/bin/ansible-playbook", "-i",
        work.resolve("ansible-inventory.yml").toString(), playbook.toString()), SideBySide.ansibleEnv(work));
    Map<String, String> hfState = new TreeMap<>();
    Map<String, String> anState = new TreeMap<>();
    for (TestHost h : hosts) {
      SideBySide.state(root(h, "homefleet")).forEach((k, v) -> hfState.put(h.name() + ":" + k, v));
      SideBySide.state(root(h, "ansible")).forEach((k, v) -> anState.put(h.name() + ":" + k, v));
    }
    return new Round(hf, ans, recaps(hf.stdout()), recaps(ans.stdout()), hfState, anState);
  }

  private Map<String, Map<String, Integer>> recaps(String out) {
    Map<String, Map<String, Integer>> all = new TreeMap<>();
    for (TestHost h : hosts) {
      all.put(h.name(), SideBySide.recap(out, h.name()));
    }
    return all;
  }
}
