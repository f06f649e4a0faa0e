package io.homefleet.agent.module.sysctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a temporary sysctl_file with reload and sysctl_set off: writing /proc/sys on the build
 * host is not allowed, so the kernel is only ever read (sysctl -n) and the paths that would
 * write it (reload, sysctl_set) are tested in check mode.
 */
class SysctlModuleTest {
  @TempDir
  Path dir;

  private Outcome run(Path file, Map<String, Object> args, boolean check) throws Exception {
    Map<String, Object> all = new HashMap<>(args);
    all.put("sysctl_file", file.toString());
    all.putIfAbsent("reload", false);
    return Run.of(new SysctlModule(), all).check(check).diff().go();
  }

  private static String proc(String name) throws Exception {
    Process p = new ProcessBuilder("sysctl", "-n", name).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void newKey_isAppended_andTheSecondRunIsOk() throws Exception {
    Path f = dir.resolve("99-hf.conf");
    Outcome o = run(f, Map.of("name", "vm.swappiness", "value", "10"), false);
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(Files.readString(f)).isEqualTo("vm.swappiness=10\n");
    assertThat(run(f, Map.of("name", "vm.swappiness", "value", "10"), false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void rewrite_stripsLines_andKeepsEachKeyOnce_asTheCollectionDoes() throws Exception {
    Path f = Files.writeString(dir.resolve("s.conf"), "# c\n  net.ipv4.ip_forward = 0 \nkernel.x = 1\n\nnet.ipv4.ip_forward=1\n");
    // The last line wins as the file's value (1 = yes: in sync); a change rewrites the first and drops the rest.
    assertThat(run(f, Map.of("key", "net.ipv4.ip_forward", "val", "yes"), false).status()).isEqualTo(Outcome.Status.OK);
    run(f, Map.of("key", "net.ipv4.ip_forward", "val", "no"), false);
    assertThat(Files.readString(f)).isEqualTo("# c\nnet.ipv4.ip_forward=0\nkernel.x=1\n\n");
  }

  @Test
  void absent_removesTheKey_andIsOkWhenItIsNotThere() throws Exception {
    Path f = Files.writeString(dir.resolve("s.conf"), "a.b=1\nc.d=2\n");
    assertThat(run(f, Map.of("name", "a.b", "state", "absent"), false).status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(Files.readString(f)).isEqualTo("c.d=2\n");
    assertThat(run(f, Map.of("name", "a.b", "state", "absent"), false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void checkMode_reportsTheFileDiff_andWritesNothing() throws Exception {
    Path f = Files.writeString(dir.resolve("s.conf"), "vm.swappiness=60\n");
    Outcome o = run(f, Map.of("name", "vm.swappiness", "value", "5"), true);
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data().get("diff")).isEqualTo(Map.of("before", "vm.swappiness=60\n", "after", "vm.swappiness=5\n",
        "before_header", f + " (content)", "after_header", f + " (content)"));
    assertThat(Files.readString(f)).isEqualTo("vm.swappiness=60\n");
  }

  @Test
  void reload_withTheFileRight_comparesTheRunningKernel() throws Exception {
    String current = proc("vm.swappiness");
    Path f = Files.writeString(dir.resolve("s.conf"), "vm.swappiness=" + current + "\n");
    assertThat(run(f, Map.of("name", "vm.swappiness", "value", current, "reload", true), true).status())
        .isEqualTo(Outcome.Status.OK);
    String other = current.equals("1") ? "2" : "1";
    Files.writeString(f, "vm.swappiness=" + other + "\n");
    assertThat(run(f, Map.of("name", "vm.swappiness", "value", other, "reload", true), true).status())
        .isEqualTo(Outcome.Status.CHANGED);
  }

  @Test
  void sysctlSet_inCheckMode_reportsTheRunningValueItWouldSet() throws Exception {
    String current = proc("vm.swappiness");
    String other = current.equals("1") ? "2" : "1";
    Path f = Files.writeString(dir.resolve("s.conf"), "vm.swappiness=" + other + "\n");
    Outcome o = run(f, Map.of("name", "vm.swappiness", "value", other, "sysctl_set", true), true);
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data().get("diff")).isEqualTo(Map.of("before", Map.of("value", current), "after",
        Map.of("value", other), "before_header", "vm.swappiness", "after_header", "vm.swappiness"));
    assertThat(proc("vm.swappiness")).isEqualTo(current);
  }

  @Test
  void presentWithoutValue_orBlank_fails() {
    Path f = dir.resolve("s.conf");
    assertThatThrownBy(() -> run(f, Map.of("name", "a.b"), false)).hasMessageContaining("missing: value");
    assertThatThrownBy(() -> run(f, Map.of("name", " ", "value", "1"), false)).hasMessageContaining("name cannot be blank");
  }
}
