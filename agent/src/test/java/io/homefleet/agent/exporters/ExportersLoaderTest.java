package io.homefleet.agent.exporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.agent.telemetry.Telemetry;
import io.homefleet.pki.CertificateAuthority;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's own mechanics. That a packaged agent (Micrometer absent from its class path) loads
 * its exporters from lib/telemetry/ is TelemetryIT's (module e2e, a real agent process).
 */
class ExportersLoaderTest {

  private static Path location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static AgentConfig withTelemetry(Path dir) throws Exception {
    Path yaml = dir.resolve("agent.yaml");
    String fingerprint = CertificateAuthority.create("lab", Duration.ofDays(1)).fingerprint();
    Files.writeString(yaml, "controller: 127.0.0.1:1\nhost: web-1\nca_fingerprint: \"" + fingerprint
        + "\"\nstate_dir: state\ntelemetry:\n  prometheus: 127.0.0.1:0\n");
    return AgentConfig.load(yaml);
  }

  @Test
  void load_fromAJarDirectory_definesTheTelemetryPackageInItsOwnLoader_andSharesTheAgentsTypes(@TempDir Path dir)
      throws Exception {
    Path jars = Files.createDirectory(dir.resolve("telemetry"));
    for (Class<?> c : new Class<?>[] {MeterRegistry.class, PrometheusMeterRegistry.class}) {
      Files.copy(location(c), jars.resolve(location(c).getFileName()));
    }

    try (Exporters exporters = ExportersLoader.load(withTelemetry(dir), "1", location(Telemetry.class), jars)) {
      assertThat(exporters.getClass().getName()).isEqualTo(Telemetry.class.getName());
      assertThat(exporters.getClass()).isNotEqualTo(Telemetry.class);
      assertThat(exporters.getClass().getClassLoader().getName()).isEqualTo("homefleet-telemetry");
      assertThat(exporters.getClass().getClassLoader().getParent()).isSameAs(Exporters.class.getClassLoader());
      // The agent's own types come from the agent's loader: the listener is an AgentStatus.Listener here.
      AgentStatus.Listener listener = exporters.statusListener();
      assertThat(listener).isNotNull();
      exporters.finished("ping", "ok", 1_000_000); // a call through the interface, into the other loader
    }
  }

  @Test
  void load_whenTheJarDirectoryIsMissing_namesItAndTheFix(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("lib/telemetry");

    assertThatThrownBy(() -> ExportersLoader.load(withTelemetry(dir), "1", location(Telemetry.class), missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot list the telemetry jars in " + missing)
        .hasMessageContaining("has a 'telemetry:' section")
        .hasMessageContaining("reinstall the agent with its whole lib/ directory, or remove the section");
  }

  @Test
  void load_withMicrometerOnTheClassPath_buildsTheTelemetryDirectly(@TempDir Path dir) throws Exception {
    try (Exporters exporters = ExportersLoader.load(withTelemetry(dir), "1")) {
      assertThat(exporters).isExactlyInstanceOf(Telemetry.class);
    }
  }
}
