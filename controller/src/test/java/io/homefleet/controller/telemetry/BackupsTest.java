package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host's backup states from telemetry as the agent sends it (dotted names, through the codec). */
class BackupsTest {
  private static MetricSample gauge(String name, String unit, double value, String repo) {
    return MetricSample.newBuilder().setName(name).setType(MetricSample.Type.GAUGE).setBaseUnit(unit)
        .setDescription("d").setValue(value).putTags("repository", repo).build();
  }

  @Test
  void of_ordersRepositories_andNamesFailedStaleCanaryFailedAndOk() {
    FleetTelemetry fleet = new FleetTelemetry(Clock.systemUTC());
    fleet.accept("bk-1", Telemetry.newBuilder().setUnixMillis(1).addAllSamples(List.of(
        gauge("homefleet.backup.last.success", "", 0, "/a"),
        gauge("homefleet.backup.snapshot.age.seconds", "seconds", 10, "/a"),
        gauge("homefleet.backup.last.success", "", 1, "/b"),
        gauge("homefleet.backup.snapshot.age.seconds", "seconds", 7200, "/b"),
        gauge("homefleet.backup.max.age.seconds", "seconds", 3600, "/b"),
        gauge("homefleet.backup.last.time.seconds", "seconds", 1000, "/b"),
        gauge("homefleet.backup.last.success", "", 1, "/c"),
        gauge("homefleet.backup.canary.success", "", 0, "/c"),
        gauge("homefleet.backup.last.success", "", 1, "/d"),
        gauge("homefleet.backup.snapshot.age.seconds", "seconds", 60, "/d"),
        gauge("homefleet.backup.max.age.seconds", "seconds", 3600, "/d"),
        gauge("homefleet.backup.canary.success", "", 1, "/d"))).build());
    List<Backups.State> s = Backups.of(fleet.latest("bk-1").orElseThrow());
    assertThat(s).extracting(Backups.State::repository).containsExactly("/a", "/b", "/c", "/d");
    assertThat(s).extracting(Backups.State::state).containsExactly("failed", "stale", "canary-failed", "ok");
    assertThat(s.get(1)).isEqualTo(new Backups.State("/b", "stale", 1_000_000, 7200, 3600));
    assertThat(s.get(2).snapshotAgeSeconds()).isEqualTo(-1);
  }
}
