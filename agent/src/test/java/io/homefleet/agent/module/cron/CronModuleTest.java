package io.homefleet.agent.module.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CronModuleTest {
  @TempDir
  Path dir;

  @Test
  void cronFile_relativeName_livesInTheCronDir_withAnsiblesMarker() throws Exception {
    CronModule cron = new CronModule(dir);
    Outcome o = Run.of(cron, Map.of("name", "logs", "special_time", "daily", "job", "/usr/sbin/logrotate /etc/x",
        "cron_file", "hf-logs", "user", "www-data", "disabled", true)).go();
    assertThat(o.data()).containsEntry("jobs", java.util.List.of("logs"));
    assertThat(Files.readString(dir.resolve("hf-logs")))
        .isEqualTo("#Ansible: logs\n#@daily www-data /usr/sbin/logrotate /etc/x\n");
  }

  @Test
  void changedSchedule_replacesTheLineAfterTheMarker_only() throws Exception {
    Path f = Files.writeString(dir.resolve("jobs"), "SHELL=/bin/sh\n#Ansible: a\n0 1 * * * root a\n#Ansible: b\n0 2 * * * root b\n");
    new CronModule(dir).run(Map.of("name", "a", "hour", "5", "minute", "30", "job", "a", "cron_file", "jobs"),
        Run.of(new CronModule(dir), Map.of()).context());
    assertThat(Files.readString(f))
        .isEqualTo("SHELL=/bin/sh\n#Ansible: a\n30 5 * * * root a\n#Ansible: b\n0 2 * * * root b\n");
  }

  @Test
  void absent_lastJob_removesTheCronFile() throws Exception {
    Path f = Files.writeString(dir.resolve("one"), "#Ansible: a\n0 1 * * * root a\n");
    Outcome o = Run.of(new CronModule(dir), Map.of("name", "a", "state", "absent", "cron_file", "one")).go();
    assertThat(o.changed()).isTrue();
    assertThat(f).doesNotExist();
  }

  @Test
  void specialTimeWithFields_isRefused() {
    assertThatThrownBy(() -> Run.of(new CronModule(dir), Map.of("name", "a", "job", "x", "special_time", "hourly",
        "minute", "5", "cron_file", "x")).go()).hasMessageContaining("time and date fields or special time");
  }

  @Test
  void crontabLookup_followsPath() {
    // A PATH without crontab on it stands for a host without the cron package.
    assertThat(CronModule.findCrontab("/nonexistent-hf:" + dir)).isEmpty();
    assertThat(CronModule.findCrontab("/usr/bin:/bin")).isEqualTo(
        Files.isExecutable(Path.of("/usr/bin/crontab")) ? java.util.Optional.of(Path.of("/usr/bin/crontab"))
            : java.util.Optional.empty());
  }

  @Test
  void env_variablesGoOnTop_orAfterAnother_andAreReplacedByName() throws Exception {
    Path f = Files.writeString(dir.resolve("env"), "#Ansible: a\n0 1 * * * root a\n");
    CronModule cron = new CronModule(dir);
    Run.of(cron, Map.of("name", "PATH", "env", true, "job", "/usr/bin:/bin", "cron_file", "env")).go();
    Run.of(cron, Map.of("name", "HOME", "env", true, "job", "/srv", "insertafter", "PATH", "cron_file", "env")).go();
    Outcome o = Run.of(cron, Map.of("name", "PATH", "env", true, "job", "/opt/bin:/usr/bin:/bin", "cron_file", "env")).go();
    assertThat(Files.readString(f)).isEqualTo("PATH=/opt/bin:/usr/bin:/bin\nHOME=/srv\n#Ansible: a\n0 1 * * * root a\n");
    assertThat(o.data()).containsEntry("envs", java.util.List.of("PATH", "HOME"));
    assertThat(Run.of(cron, Map.of("name", "HOME", "env", true, "state", "absent", "cron_file", "env")).go().changed())
        .isTrue();
    assertThat(Files.readString(f)).doesNotContain("HOME=");
  }
}
