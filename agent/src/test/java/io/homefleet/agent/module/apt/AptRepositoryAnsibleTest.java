package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import io.homefleet.agent.module.file.PosixAttrs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apt_repository} beside ansible-core 2.14's (with Debian's python3-apt): each case gets
 * two copies of an apt tree of its own (an {@code APT_CONFIG} whose {@code Dir::Etc} is the
 * case's directory, so the build host's /etc/apt is only ever read by apt-config), the same
 * arguments go to Ansible's module and to homefleet's, and the trees (names, modes, bytes), the
 * outcome and the diffs must agree; then again in check mode, where neither tree may change.
 * {@code update_cache} is off here: AptRepositorySideBySideIT updates a real local repository.
 * Ansible's module needs python3-apt (apt-get install python3-apt; .ci/run installs it).
 */
class AptRepositoryAnsibleTest {
  record Case(Map<String, String> files, Map<String, Object> args) {}

  private static final String A = "deb http://a.example.invalid/debian bookworm main";
  private static final String B = "deb http://b.example.invalid/debian bookworm main contrib";

  private static final List<Case> CASES = List.of(
      new Case(Map.of(), Map.of("repo", "deb http://archive.canonical.com/ubuntu hardy partner")),
      new Case(Map.of("sources.list", "#comment\n#" + A + "\n\n  deb   http://c.example.invalid/x  y z # why\n"),
          Map.of("repo", A)),
      new Case(Map.of("sources.list", "deb   http://a.example.invalid/debian    bookworm main\n"), Map.of("repo", A)),
      new Case(Map.of("sources.list", A + "\n" + A + "\n" + B + "\n"), Map.of("repo", A, "state", "absent")),
      new Case(Map.of("sources.list", A + "\n" + B + "\n" + A + "\n"), Map.of("repo", A, "state", "absent")),
      new Case(Map.of("sources.list.d/only.list", A + "\n", "sources.list.d/other.list", "#x\n" + B + "\n"),
          Map.of("repo", A, "state", "absent")),
      new Case(Map.of(), Map.of("repo", B, "filename", "hf-test", "mode", "0600")),
      new Case(Map.of("sources.list.d/mine.list", B + "\n"), Map.of("repo", B, "filename", "hf-test", "mode", "0600")),
      new Case(Map.of(), Map.of("repo",
          "deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] https://user:pw@repo.example.invalid/apt stable main")),
      new Case(Map.of(), Map.of("repo", "http://a.example.invalid/debian bookworm main")),
      new Case(Map.of(), Map.of("repo", "# " + A)),
      new Case(Map.of("sources.list", B + "\n"), Map.of("repo", A, "state", "absent")),
      new Case(Map.of("sources.list.d/empty.list", "", "sources.list.d/.hidden.list", "#" + A + "\n"),
          Map.of("repo", "deb-src http://a.example.invalid/debian bookworm main")),
      new Case(Map.of("sources.list", "deb http://c.example.invalid/x y z # mine\n"),
          Map.of("repo", "deb http://c.example.invalid/x y z", "state", "absent")),
      new Case(Map.of("sources.list.d/ppa.list", "deb http://ppa.launchpad.net/foo/bar/ubuntu jammy main\n"),
          Map.of("repo", "ppa:foo/bar", "codename", "jammy", "state", "absent")),
      new Case(Map.of("sources.list.d/ppa.list", "deb http://ppa.launchpad.net/foo/ppa/ubuntu jammy main\n"),
          Map.of("repo", "ppa:foo", "codename", "jammy", "state", "absent")),
      new Case(Map.of(), Map.of("repo", "deb file:/srv/local-repo ./")),
      new Case(Map.of(), Map.of("repo", "deb [trusted=yes] file:///srv/local-repo ./", "mode", "u=rw,g=r")),
      new Case(Map.of(), Map.of("repo", "")));

  @Test
  void everyCase_agreesWithAnsiblesAptRepository(@TempDir Path tmp) throws Exception {
    for (boolean check : new boolean[] {false, true}) {
      List<AnsibleOracle.Task> tasks = new ArrayList<>();
      for (int i = 0; i < CASES.size(); i++) {
        Path conf = tree(tmp, "ansible-" + check, i);
        Map<String, Object> a = new LinkedHashMap<>(CASES.get(i).args());
        a.put("update_cache", false);
        // Ansible's module would apt-get install python3-apt on the build host rather than fail.
        a.put("install_python_apt", false);
        tasks.add(new AnsibleOracle.Task("ansible.builtin.apt_repository", a, Map.of("APT_CONFIG", conf.toString())));
      }
      List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, tasks, check, true);
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < CASES.size(); i++) {
        Path conf = tree(tmp, "homefleet-" + check, i);
        Map<String, Object> a = new LinkedHashMap<>(CASES.get(i).args());
        a.put("update_cache", false);
        // Ansible's module would apt-get install python3-apt on the build host rather than fail.
        a.put("install_python_apt", false);
        Map<String, Object> ours;
        try {
          Outcome o = Run.of(new AptRepositoryModule(Optional.of(conf)), a).check(check).diff().go();
          ours = new LinkedHashMap<>(o.data());
          ours.put("failed", false);
        } catch (TaskException e) {
          ours = Map.of("failed", true, "msg", e.getMessage());
        }
        Map<String, Object> their = theirs.get(i);
        String where = (check ? "check " : "") + "case " + i + " " + CASES.get(i) + ": ";
        boolean theyFailed = Boolean.TRUE.equals(their.get("failed"));
        if (!ours.get("failed").equals(theyFailed)) {
          problems.add(where + "Ansible " + their + ", homefleet " + ours);
          continue;
        }
        String etcOurs = snapshot(conf.resolveSibling("etc"), conf.getParent());
        String etcTheirs = snapshot(tmp.resolve("ansible-" + check).resolve("case" + i).resolve("etc"),
            tmp.resolve("ansible-" + check).resolve("case" + i));
        if (!etcOurs.equals(etcTheirs)) {
          problems.add(where + "trees differ\n--- Ansible\n" + etcTheirs + "--- homefleet\n" + etcOurs);
        }
        if (theyFailed) {
          // Ansible's own tracebacks (its IndexError) have no msg of theirs to match.
          if (their.get("msg") != null && !String.valueOf(their.get("msg")).startsWith("MODULE FAILURE")
              && !String.valueOf(ours.get("msg")).contains(String.valueOf(their.get("msg")))) {
            problems.add(where + "msg: Ansible '" + their.get("msg") + "', homefleet '" + ours.get("msg") + "'");
          }
          continue;
        }
        if (!ours.get("changed").equals(their.get("changed"))) {
          problems.add(where + "changed: Ansible " + their.get("changed") + ", homefleet " + ours.get("changed"));
        }
        if (!diffs(ours.get("diff"), conf.getParent()).equals(diffs(their.get("diff"),
            tmp.resolve("ansible-" + check).resolve("case" + i)))) {
          problems.add(where + "diff: Ansible " + their.get("diff") + ", homefleet " + ours.get("diff"));
        }
        if (!ours.get("repo").equals(their.get("repo")) || !ours.get("state").equals(their.get("state"))) {
          problems.add(where + "repo/state: Ansible " + their + ", homefleet " + ours);
        }
      }
      assertThat(problems).isEmpty();
    }
  }

  /** A case's apt tree: {@code DIR/caseN/etc} with the case's files (0644), and the apt.conf pointing there. */
  private static Path tree(Path tmp, String side, int i) throws Exception {
    Path dir = tmp.resolve(side).resolve("case" + i);
    Path etc = dir.resolve("etc");
    Files.createDirectories(etc.resolve("sources.list.d"));
    Files.createDirectories(etc.resolve("apt.conf.d"));
    Files.createDirectories(etc.resolve("preferences.d"));
    for (Map.Entry<String, String> f : CASES.get(i).files().entrySet()) {
      Path p = etc.resolve(f.getKey());
      Files.writeString(p, f.getValue());
      PosixAttrs.setMode(p, 0644);
    }
    Path conf = dir.resolve("apt.conf");
    Files.writeString(conf, "Dir::Etc \"" + etc + "\";\n");
    return conf;
  }

  /** Every entry under {@code etc}: path (relative to the case), mode, content. */
  private static String snapshot(Path etc, Path caseDir) throws Exception {
    StringBuilder s = new StringBuilder();
    try (Stream<Path> walk = Files.walk(etc)) {
      for (Path p : walk.sorted().toList()) {
        s.append(caseDir.relativize(p)).append(' ').append(Integer.toOctalString(PosixAttrs.read(p, false).mode()));
        if (Files.isRegularFile(p)) {
          s.append(' ').append(Files.readString(p).replace("\n", "\\n"));
        }
        s.append('\n');
      }
    }
    return s.toString();
  }

  /** The diffs as a map from headers (relative to the case) to before and after, whatever shape they came in. */
  private static Map<String, String> diffs(Object diff, Path caseDir) {
    List<Object> list = diff instanceof List<?> l ? new ArrayList<>(l) : diff == null ? List.of() : List.of(diff);
    Map<String, String> out = new TreeMap<>();
    for (Object o : list) {
      Map<?, ?> d = (Map<?, ?>) o;
      if (d.isEmpty()) {
        continue;
      }
      String prefix = caseDir.toString() + "/";
      out.put(String.valueOf(d.get("before_header")).replace(prefix, "") + " -> "
          + String.valueOf(d.get("after_header")).replace(prefix, ""), d.get("before") + "|" + d.get("after"));
    }
    return out;
  }
}
