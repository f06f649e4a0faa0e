package io.homefleet.agent.module.timezone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a temporary root standing in for / (its /etc/timezone, /etc/localtime and zoneinfo): the
 * build host's zone is never changed, and under a stand-in root neither timedatectl nor
 * dpkg-reconfigure runs, so those two are not tested here.
 */
class TimezoneModuleTest {
  @TempDir
  Path root;

  @BeforeEach
  void fakeHost() throws Exception {
    for (String zone : new String[] {"Etc/UTC", "Europe/Berlin"}) {
      Path z = root.resolve("usr/share/zoneinfo").resolve(zone);
      Files.createDirectories(z.getParent());
      Files.writeString(z, "TZif " + zone);
    }
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/timezone"), "Etc/UTC\n  indented\nold/Zone\n");
    Files.createSymbolicLink(root.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/Etc/UTC"));
  }

  private Outcome run(String zone, boolean check) throws Exception {
    return Run.of(new TimezoneModule(root), Map.of("name", zone)).check(check).diff().go();
  }

  @Test
  void newZone_rewritesEtcTimezone_andLinksLocaltime_andTheSecondRunIsOk() throws Exception {
    Outcome check = run("Europe/Berlin", true);
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(check.data().get("diff")).isEqualTo(Map.of("before", Map.of("name", "Etc/UTC"), "after",
        Map.of("name", "Europe/Berlin")));
    assertThat(root.resolve("etc/timezone")).hasContent("Etc/UTC\n  indented\nold/Zone");
    Outcome o = run("Europe/Berlin", false);
    // Every line starting with a non-blank is a zone to the collection; they go, the new one takes the first's place.
    assertThat(o.data()).containsEntry("msg", "Added 1 line and deleted 2 line(s) on /etc/timezone");
    assertThat(Files.readString(root.resolve("etc/timezone"))).isEqualTo("Europe/Berlin\n  indented\n");
    assertThat(Files.readSymbolicLink(root.resolve("etc/localtime"))).isEqualTo(Path.of("/usr/share/zoneinfo/Europe/Berlin"));
    assertThat(run("Europe/Berlin", false).status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void localtimePointingElsewhere_isADrift_evenWithEtcTimezoneRight() throws Exception {
    Files.delete(root.resolve("etc/localtime"));
    Files.createSymbolicLink(root.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/Europe/Berlin"));
    Outcome o = run("Etc/UTC", true);
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data().get("diff")).isEqualTo(Map.of("before", Map.of("name", "Europe/Berlin"), "after",
        Map.of("name", "Etc/UTC")));
  }

  @Test
  void unknownZone_fails() {
    assertThatThrownBy(() -> run("Mars/Olympus", true)).hasMessageContaining("given timezone \"Mars/Olympus\" is not available");
  }

  @Test
  void hwclock_writesRcSAndAdjtime_andReadsAdjtimeWhenRcSAgrees() throws Exception {
    Files.createDirectories(root.resolve("etc/default"));
    Files.writeString(root.resolve("etc/default/rcS"), "# rcS\nUTC=yes\nUTC = no\n");
    Files.writeString(root.resolve("etc/adjtime"), "0.5 1700000000 0.0\n1700000000\nUTC\n");
    Outcome same = Run.of(new TimezoneModule(root), Map.of("hwclock", "UTC")).check().diff().go();
    assertThat(same.status()).isEqualTo(Outcome.Status.OK);

    Outcome check = Run.of(new TimezoneModule(root), Map.of("hwclock", "local", "name", "Etc/UTC")).check().diff().go();
    assertThat(check.data().get("diff")).isEqualTo(Map.of("before", Map.of("hwclock", "UTC", "name", "Etc/UTC"),
        "after", Map.of("hwclock", "local", "name", "Etc/UTC")));
    assertThat(root.resolve("etc/default/rcS")).hasContent("# rcS\nUTC=yes\nUTC = no");

    Outcome o = Run.of(new TimezoneModule(root), Map.of("hwclock", "local")).go();
    assertThat(o.data()).containsEntry("msg", "Added 1 line and deleted 2 line(s) on /etc/default/rcS\n"
        + "executed `/usr/sbin/hwclock --systohc --localtime`");
    assertThat(Files.readString(root.resolve("etc/default/rcS"))).isEqualTo("# rcS\nUTC=no\n");
    assertThat(Files.readString(root.resolve("etc/adjtime"))).isEqualTo("0.5 1700000000 0.0\n1700000000\nLOCAL\n");
    assertThat(Run.of(new TimezoneModule(root), Map.of("hwclock", "local")).go().status()).isEqualTo(Outcome.Status.OK);

    // rcS right but adjtime saying otherwise is still a drift, as the collection reads both.
    Files.writeString(root.resolve("etc/adjtime"), "0.0 0 0.0\n0\nUTC\n");
    Outcome drift = Run.of(new TimezoneModule(root), Map.of("hwclock", "local")).check().diff().go();
    assertThat(drift.data().get("diff")).isEqualTo(Map.of("before", Map.of("hwclock", "UTC"), "after",
        Map.of("hwclock", "local")));
  }

  @Test
  void hwclock_withoutRcS_isNotApplicable_andMakesBothFiles() throws Exception {
    Outcome check = Run.of(new TimezoneModule(root), Map.of("hwclock", "UTC")).check().diff().go();
    assertThat(check.data().get("diff")).isEqualTo(Map.of("before", Map.of("hwclock", "n/a"), "after",
        Map.of("hwclock", "UTC")));
    Run.of(new TimezoneModule(root), Map.of("hwclock", "UTC")).go();
    assertThat(Files.readString(root.resolve("etc/default/rcS"))).isEqualTo("UTC=yes\n");
    assertThat(Files.readString(root.resolve("etc/adjtime"))).isEqualTo("0.0 0 0.0\n0\nUTC\n");
  }
}
