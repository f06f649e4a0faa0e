package io.homefleet.agent.module.apt;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where homefleet's apt_key knowingly differs from Ansible's (docs/modules.md). */
class AptKeyModuleTest {
  @Test
  void checkMode_withAKeyringThatIsNotThere_createsNone(@TempDir Path dir) throws Exception {
    Path keyring = dir.resolve("new.gpg");
    Outcome o = Run.of(new AptKeyModule(), Map.of("id", "0123456789ABCDEF", "data", "unused in check mode",
        "keyring", keyring.toString())).check().workDir(dir).go();
    assertThat(o.data()).containsEntry("changed", true).containsEntry("before", List.of())
        .doesNotContainKey("after");
    assertThat(keyring).doesNotExist();
  }

  @Test
  void parseKeys_readsAptKeysAndGpgsColonListings_skippingExpired() {
    assertThat(AptKeyModule.parseKeys("pub   ed25519/0994B3367C305694 2026-12-08 [SC]\n      5072CED1\n"
        + "sub   rsa4096/1111222233334444 2020-01-01 [E] [expired: 2021-01-01]\n"
        + "pub:-:255:22:AAAABBBBCCCCDDDD:1796691161:::-:\nuid:::::::::x:\n")).containsExactly("0994B3367C305694",
            "AAAABBBBCCCCDDDD");
  }
}
