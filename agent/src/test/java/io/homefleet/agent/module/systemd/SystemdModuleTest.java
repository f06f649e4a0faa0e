package io.homefleet.agent.module.systemd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What can be tested without systemd as PID 1: argument handling and the refusal. That
 * start/stop/restart/enable/mask reach the planned state, and that a second run reports no
 * change, only a real systemd host shows (the e2e hosts); no test here claims it, and a fake
 * systemctl on PATH would prove nothing about systemd.
 */
class SystemdModuleTest {
  @Test
  void withoutSystemd_failsSayingSo() {
    assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "this host runs systemd");
    assertThatThrownBy(() -> Run.of(SystemdModule.systemd(), Map.of("name", "ssh", "state", "started")).go())
        .hasMessageContaining("systemd is not running on this host");
    assertThatThrownBy(() -> Run.of(SystemdModule.service(), Map.of("name", "ssh", "enabled", true)).check().go())
        .hasMessageContaining("systemd is not running on this host");
  }

  @Test
  void arguments_areCheckedBeforeTheHost() {
    assertThatThrownBy(() -> Run.of(SystemdModule.systemd(), Map.of("state", "started")).go())
        .hasMessageContaining("name is required");
    assertThatThrownBy(() -> Run.of(SystemdModule.systemd(), Map.of("name", "x", "state", "running")).go())
        .hasMessageContaining("must be one of: reloaded, restarted, started, stopped");
    assertThatThrownBy(() -> Run.of(SystemdModule.service(), Map.of("name", "x", "pattern", "foo")).go())
        .hasMessageContaining("pattern is not supported");
    assertThatThrownBy(() -> Run.of(SystemdModule.service(), Map.of("state", "started")).go())
        .hasMessageContaining("missing required arguments: name");
    assertThatThrownBy(() -> Run.of(SystemdModule.systemd(), Map.of("name", "x", "scope", "user")).go())
        .hasMessageContaining("scope=user is not supported");
  }

  @Test
  void aliases_serviceAndUnit_nameTheUnit() {
    assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "this host runs systemd");
    assertThatThrownBy(() -> Run.of(SystemdModule.systemd(), Map.of("unit", "cron.service", "daemon-reload", true)).go())
        .hasMessageContaining("cannot manage 'cron.service'");
  }
}
