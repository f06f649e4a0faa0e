package io.homefleet.agent.module.modprobe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a temporary root standing in for / (its /proc/modules, modules.builtin, /etc/modules-load.d
 * and /etc/modprobe.d): no kernel module is ever loaded or unloaded here. Loading is shown only
 * as far as the dry run that planning does ({@code modprobe -n -d ROOT}, against a module tree
 * made by {@code depmod -b}); that {@code modprobe NAME} really loads it is not tested.
 */
class ModprobeModuleTest {
  private static final String RELEASE = System.getProperty("os.version");

  @TempDir
  Path root;

  @BeforeEach
  void fakeHost() throws Exception {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/modules"), "br_netfilter 32768 0 - Live 0x0000000000000000\n");
    Path lib = Files.createDirectories(root.resolve("lib/modules/" + RELEASE));
    Files.writeString(lib.resolve("modules.builtin"), "kernel/fs/ext4/ext4.ko\n");
    Files.createDirectories(root.resolve("etc/modules-load.d"));
    Files.createDirectories(root.resolve("etc/modprobe.d"));
  }

  private Outcome run(Map<String, Object> args, boolean check) throws Exception {
    return Run.of(new ModprobeModule(root), args).check(check).diff().go();
  }

  @Test
  void loadedOrBuiltin_isPresent_andNotLoaded_isAbsent_withoutRunningModprobe() throws Exception {
    assertThat(run(Map.of("name", "br-netfilter"), false).status()).isEqualTo(Outcome.Status.OK);
    assertThat(run(Map.of("name", "ext4"), false).status()).isEqualTo(Outcome.Status.OK);
    Outcome absent = run(Map.of("name", "dummy", "state", "absent"), false);
    assertThat(absent.status()).isEqualTo(Outcome.Status.OK);
    assertThat(absent.data()).containsEntry("name", "dummy").containsEntry("params", "").containsEntry("state", "absent");
  }

  @Test
  void notLoaded_isPlannedWithModprobesDryRun() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/depmod")), "kmod is not installed (apt install kmod): skipped");
    Path ko = root.resolve("lib/modules/" + RELEASE + "/kernel/drivers/net/dummy.ko");
    Files.createDirectories(ko.getParent());
    Files.createFile(ko);
    // depmod cannot read symbols from an empty .ko but still writes the index modprobe reads.
    new ProcessBuilder("depmod", "-b", root.toString(), RELEASE).redirectErrorStream(true)
        .redirectOutput(root.resolve("depmod.log").toFile()).start().waitFor();
    Outcome check = run(Map.of("name", "dummy", "params", "numdummies=2"), true);
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(check.data().get("diff")).isEqualTo(Map.of("before", Map.of("name", "dummy", "state", "absent"),
        "after", Map.of("name", "dummy", "state", "loaded"), "before_header", "dummy", "after_header", "dummy"));
    assertThatThrownBy(() -> run(Map.of("name", "hf-no-such-module"), true))
        .hasMessageContaining("Module hf-no-such-module not found");
  }

  @Test
  void persistentPresent_writesModulesLoadAndOptions_commentingOutOldOptions() throws Exception {
    Files.writeString(root.resolve("etc/modprobe.d/old.conf"), "options br_netfilter a=0\noptions other x=1\n");
    Map<String, Object> args = Map.of("name", "br_netfilter", "params", "a=1 b=2", "persistent", "present");
    Outcome check = run(args, true);
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(root.resolve("etc/modules-load.d/br_netfilter.conf")).doesNotExist();
    assertThat(run(args, false).status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(root.resolve("etc/modules-load.d/br_netfilter.conf")).hasContent("br_netfilter");
    assertThat(Files.readString(root.resolve("etc/modprobe.d/br_netfilter.conf")))
        .isEqualTo("options br_netfilter a=1\noptions br_netfilter b=2\n");
    assertThat(Files.readString(root.resolve("etc/modprobe.d/old.conf")))
        .isEqualTo("#options br_netfilter a=0\noptions other x=1\n");
    assertThat(run(args, false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void persistentAbsent_commentsOutTheModuleAndItsOptions() throws Exception {
    Files.writeString(root.resolve("etc/modules-load.d/k.conf"), "br_netfilter # for k8s\noverlay\n");
    Files.writeString(root.resolve("etc/modprobe.d/k.conf"), "options br_netfilter a=1\n");
    Map<String, Object> args = Map.of("name", "br_netfilter", "persistent", "absent");
    assertThat(run(args, false).status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(Files.readString(root.resolve("etc/modules-load.d/k.conf"))).isEqualTo("#br_netfilter # for k8s\noverlay\n");
    assertThat(Files.readString(root.resolve("etc/modprobe.d/k.conf"))).isEqualTo("#options br_netfilter a=1\n");
    assertThat(run(args, false).status()).isEqualTo(Outcome.Status.OK);
  }
}
