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
    Outcome o = Run.of(new AptModule(), Map.of("name", "unzip", "state", "absent")).check().diff().go();
    assertThat(o.changed()).isTrue();
    assertThat(o.data().get("diff").toString()).contains("unzip");
    assertThat(Files.isExecutable(Path.of("/usr/bin/unzip"))).isTrue();
  }

  @Test
  void unsupportedStates_areRefused() {
    assertThatThrownBy(() -> Run.of(new AptModule(), Map.of("name", "x", "state", "build-dep")).go())
        .hasMessageContaining("not supported");
    assertThatThrownBy(() -> Run.of(new AptModule(), Map.of("name", "x", "state", "installed")).go())
        .hasMessageContaining("must be one of");
  }
}
