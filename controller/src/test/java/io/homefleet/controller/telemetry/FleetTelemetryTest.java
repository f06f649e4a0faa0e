package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FleetTelemetryTest {
  private final FleetTelemetry fleet = new FleetTelemetry(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

  private static Telemetry telemetry(long at, String... gauges) {
    Telemetry.Builder t = Telemetry.newBuilder().setUnixMillis(at);
    for (String g : gauges) {
      t.addSamples(TelemetryCodecTest.gauge(g, "", 1));
    }
    return t.build();
  }

  @Test
  void accept_replacesTheHostsPreviousSnapshot() {
    fleet.accept("vm-1", telemetry(1, "a", "b"));
    fleet.accept("vm-1", telemetry(2, "c"));
    fleet.accept("vm-2", telemetry(3, "a"));

    assertThat(fleet.size()).isEqualTo(2);
    assertThat(fleet.latest("vm-1").orElseThrow().samples()).extracting(Sample::family).containsExactly("c");
    assertThat(fleet.latest("vm-1").orElseThrow().takenMillis()).isEqualTo(2);
    assertThat(fleet.snapshots()).extracting(HostSnapshot::host).containsExactly("vm-1", "vm-2");
    assertThat(fleet.received()).isEqualTo(3);
  }

  @Test
  void drop_forgetsTheHost() {
    fleet.accept("vm-1", telemetry(1, "a"));
    fleet.drop("vm-1");
    assertThat(fleet.latest("vm-1")).isEmpty();
    assertThat(fleet.usage("vm-1")).isEmpty();
    assertThat(fleet.snapshots()).isEmpty();
  }

  @Test
  void accept_countsSamplesLeftOut() {
    fleet.accept("vm-1", Telemetry.newBuilder().addSamples(MetricSample.newBuilder().setName("x")).build());
    assertThat(fleet.droppedSamples()).isEqualTo(1);
  }
}
