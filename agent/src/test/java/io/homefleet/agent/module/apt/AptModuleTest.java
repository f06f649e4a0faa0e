package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads only (dpkg-query, apt-get -s): the install itself is the conformance test's apt case. */
class AptModuleTest {
  @BeforeEach
  void needsApt() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
  }

  @Test
  void installedPackage_isInSync_withAliasPkg() throws Exception {
    Outcome o = Run.of(new AptModule(), Map.of("pkg", List.of("dpkg", "coreutils"))).check().go();
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
  }

  @Test
  void unknownPackage_failsInCheckMode_asAnsibleDoes() {
    assertThatThrownBy(() -> Run.of(new AptModule(), Map.of("name", "hf-no-such-package-xyz")).check().go())
        .hasMessageContaining("hf-no-such-package-xyz");
  }

  @Test
  void absentPackage_notInstalled_isInSync() throws Exception {
    assertThat(Run.of(new AptModule(), Map.of("name", "hf-no-such-package-xyz", "state", "absent")).check().go()
        .changed()).isFalse();
  }

  @Test
  void removingAnInstalledPackage_inCheckMode_isAChangeWithADiff() throws Exception {
    // cron: a package .ci/run installs (a fresh Debian has no unzip, which this case once assumed).
    assertThat(Path.of("/usr/sbin/cron")).as("this case needs Debian's cron installed (.ci/run does it)").exists();
    Outcome o = Run.of(new AptModule(), Map.of("name", "cron", "state", "absent")).check().diff().go();
    assertThat(o.changed()).isTrue();
    assertThat(o.data().get("diff").toString()).contains("cron");
    assertThat(Files.isExecutable(Path.of("/usr/sbin/cron"))).isTrue();
  }

  @Test
  void unsupportedStates_areRefused() {
    assertThatThrownBy(() -> Run.of(new AptModule(), Map.of("name", "x", "state", "build-dep")).go())
        .hasMessageContaining("not supported");
    assertThatThrownBy(() -> Run.of(new AptModule(), Map.of("name", "x", "state", "installed")).go())
        .hasMessageContaining("must be one of");
  }

  @Test
  void upgrade_inCheckMode_readsTheSimulation() throws Exception {
    // Only check mode here: applying would upgrade this shared build machine.
    Outcome o = Run.of(new AptModule(), Map.of("upgrade", "dist")).check().diff().go();
    String simulated = io.homefleet.agent.exec.Commands.run(Run.of(new AptModule(), Map.of()).context(),
        List.of("apt-get", "-s", "dist-upgrade")).stdout();
    // apt-get's simulation lists each package it would touch on an Inst/Remv line: the oracle, read
    // here without the module's code.
    List<String> touched = simulated.lines().filter(l -> l.startsWith("Inst ") || l.startsWith("Remv ")).toList();
    assertThat(o.changed()).as(simulated).isEqualTo(!touched.isEmpty());
    for (String line : touched) {
      assertThat(o.data().get("diff").toString()).contains(line);
    }
  }

  @Test
  void simulationSummary_decidesDrift() {
    assertThat(AptModule.doesSomething("0 upgraded, 0 newly installed, 0 to remove and 131 not upgraded.", "")).isFalse();
    assertThat(AptModule.doesSomething("2 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.", "")).isTrue();
    assertThat(AptModule.doesSomething("0 upgraded, 0 newly installed, 1 to remove and 0 not upgraded.", "")).isTrue();
    assertThat(AptModule.doesSomething("Del foo 1.0 [12 kB]\n", "Del ")).isTrue();
    assertThat(AptModule.doesSomething("Reading package lists...\n", "Del ")).isFalse();
  }

  @Test
  void starLatest_meansUpgradeEverything() throws Exception {
    Outcome star = Run.of(new AptModule(), Map.of("name", "*", "state", "latest")).check().go();
    Outcome upgrade = Run.of(new AptModule(), Map.of("upgrade", "yes")).check().go();
    assertThat(star.status()).isEqualTo(upgrade.status());
  }
}
