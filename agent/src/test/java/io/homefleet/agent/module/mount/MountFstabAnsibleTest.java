package io.homefleet.agent.module.mount;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.AnsibleOracle;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mount}'s fstab editing (present, absent) beside ansible.posix's on the same starting
 * fstab files: the same file afterwards, byte for byte, and the same changed and result fields.
 * Nothing is mounted (states that only edit the given fstab).
 */
class MountFstabAnsibleTest {
  private static final String START = "# static file system information\n\n"
      + "/dev/sda1 / ext4 errors=remount-ro 0 1\n"
      + "/dev/sdb1 /data ext4 defaults\n"
      + "tmpfs /mnt/old tmpfs size=1m 0 0\n"
      + "UUID=abc none swap sw 0 0\n"
      + "/dev/sdc1 /srv ext4 defaults 0 2";

  private record Case(String fstab, Map<String, Object> args) {}

  @Test
  void fstabEdits_areAnsibles(@TempDir Path tmp) throws Exception {
    List<Case> cases = List.of(
        new Case(START, Map.of("path", "/mnt/a b", "src", "/srv/my share&\\x", "fstype", "none", "opts", "bind",
            "state", "present")),
        new Case(START, Map.of("path", "/data", "src", "/dev/sdb1", "fstype", "ext4", "state", "present")),
        new Case(START, Map.of("path", "/srv", "src", "/dev/sdc1", "fstype", "ext4", "passno", 2, "state", "present")),
        new Case(START, Map.of("path", "/mnt/old", "src", "tmpfs", "fstype", "tmpfs", "opts", "size=2m", "dump", "1",
            "state", "present", "boot", false)),
        new Case(START, Map.of("path", "/mnt/new", "src", "tmpfs", "fstype", "tmpfs", "state", "present",
            "boot", false)),
        new Case(START, Map.of("path", "none", "src", "UUID=def", "fstype", "swap", "opts", "sw", "state", "present")),
        new Case(START, Map.of("path", "/mnt/old", "state", "absent_from_fstab")),
        new Case(START, Map.of("path", "/data", "state", "absent_from_fstab")),
        new Case("", Map.of("path", "/mnt/x", "src", "/dev/x", "fstype", "xfs", "opts", "noauto", "boot", false,
            "state", "present")));
    List<AnsibleOracle.Task> tasks = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Files.writeString(Files.createDirectories(tmp.resolve("ansible")).resolve("fstab" + i), cases.get(i).fstab());
      Files.writeString(Files.createDirectories(tmp.resolve("hf")).resolve("fstab" + i), cases.get(i).fstab());
      Map<String, Object> args = new LinkedHashMap<>(cases.get(i).args());
      args.put("fstab", tmp.resolve("ansible/fstab" + i).toString());
      tasks.add(new AnsibleOracle.Task("ansible.posix.mount", args));
    }
    List<Map<String, Object>> theirs = AnsibleOracle.run(tmp, tasks, false, false);
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> args = new LinkedHashMap<>(cases.get(i).args());
      args.put("fstab", tmp.resolve("hf/fstab" + i).toString());
      Outcome ours = Run.of(new MountModule(), args).go();
      Map<String, Object> their = theirs.get(i);
      assertThat(Files.readString(tmp.resolve("hf/fstab" + i))).as("fstab of %s", args)
          .isEqualTo(Files.readString(tmp.resolve("ansible/fstab" + i)));
      assertThat(ours.changed()).as("changed %s", args).isEqualTo(their.get("changed"));
      for (String k : List.of("name", "src", "fstype", "opts", "dump", "passno", "boot", "backup_file")) {
        assertThat(ours.data().get(k)).as("%s of %s", k, args).isEqualTo(their.get(k));
      }
      assertThat(Run.of(new MountModule(), args).go().changed()).as("second run of %s", args).isFalse();
    }
  }
}
