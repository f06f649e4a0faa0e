package io.homefleet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enroll file cloud-init writes, alone and laid over agent.yaml. */
class EnrollFileTest {
  static final String FP = AgentConfigTest.FP;
  static final String TOKEN = AgentConfigTest.TOKEN;
  static final String WHOLE = "controller: ctl.lab:7443\ntoken: " + TOKEN + "\nca_fingerprint: \"" + FP + "\"\n"
      + "host: prod-1\nrole: prod\nlabels:\n  env: prod\n  rack: b\n";

  private static Path enroll(Path dir, String yaml) throws Exception {
    return Files.writeString(dir.resolve("enroll.yaml"), yaml);
  }

  private static Path agentYaml(Path dir, String yaml) throws Exception {
    return Files.writeString(dir.resolve("agent.yaml"), yaml);
  }

  @Test
  void read_whenWhole_returnsEveryField(@TempDir Path dir) throws Exception {
    EnrollFile e = EnrollFile.read(enroll(dir, WHOLE));
    assertThat(e.controller()).contains("ctl.lab:7443");
    assertThat(e.token()).contains(TOKEN);
    assertThat(e.caFingerprint()).contains(FP);
    assertThat(e.host()).contains("prod-1");
    assertThat(e.role()).contains("prod");
    assertThat(e.labels()).containsEntry("env", "prod").containsEntry("rack", "b");
  }

  @Test
  void read_whenTokenMalformed_namesFileLineColumnAndWhatATokenLooksLike(@TempDir Path dir) throws Exception {
    Path f = enroll(dir, "controller: ctl.lab:7443\ntoken: hf1.short\n");
    assertThatThrownBy(() -> EnrollFile.read(f)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ":2:8: token: malformed enrollment token")
        .hasMessageContaining("as printed by 'homefleet token create'");
  }

  @Test
  void read_whenControllerOrFingerprintOrRoleBad_namesTheFieldAndTheFix(@TempDir Path dir) throws Exception {
    Path c = enroll(dir, "controller: ctl.lab\n");
    assertThatThrownBy(() -> EnrollFile.read(c)).hasMessageStartingWith(c + ":1:13: controller: 'ctl.lab' is not HOST:PORT");
    Path f = enroll(dir, "ca_fingerprint: sha256:12\n");
    assertThatThrownBy(() -> EnrollFile.read(f)).hasMessageStartingWith(f + ":1:17: ca_fingerprint: ");
    Path r = enroll(dir, "role: Prod!\n");
    assertThatThrownBy(() -> EnrollFile.read(r)).hasMessageStartingWith(r + ":1:7: role: 'Prod!' is not a valid role")
        .hasMessageContaining("'role: prod'");
  }

  @Test
  void read_whenUnknownFieldEmptyOrNotYaml_saysWhereAndHow(@TempDir Path dir) throws Exception {
    Path u = enroll(dir, "controller: ctl.lab:7443\nstate_dir: /tmp\n");
    assertThatThrownBy(() -> EnrollFile.read(u)).hasMessageStartingWith(u + ":2:1: unknown field 'state_dir'")
        .hasMessageContaining("known fields: ca_fingerprint, controller, host, labels, role, token");
    Path e = enroll(dir, "# nothing yet\n");
    assertThatThrownBy(() -> EnrollFile.read(e)).hasMessageContaining("the file is empty; it needs at least 'token:'");
    Path y = enroll(dir, "token: [oops\n");
    assertThatThrownBy(() -> EnrollFile.read(y)).hasMessageMatching("\\Q" + y + "\\E:\\d+:\\d+: not valid YAML.*");
  }

  @Test
  void loadForFirstBoot_whenNoEnrollFileAndNoController_waitsWithoutAnError(@TempDir Path dir) throws Exception {
    Path cfg = agentYaml(dir, "host: web-1\nstate_dir: ./state\n");
    AgentConfig.Loaded l = AgentConfig.loadForFirstBoot(cfg);
    assertThat(l).isInstanceOf(AgentConfig.Waiting.class);
    AgentConfig.Waiting w = (AgentConfig.Waiting) l;
    assertThat(w.malformed()).isFalse();
    assertThat(w.enrollFile()).isEqualTo(dir.resolve("enroll.yaml"));
    assertThat(w.stateDir()).isEqualTo(dir.resolve("./state"));
    assertThat(w.host()).isEqualTo("web-1");
    assertThat(w.reason()).contains("controller: missing, and there is no enroll file " + dir.resolve("enroll.yaml"));
    // 'load' (the enroll command, for one) has no waiting: it is an error with the same reason.
    assertThatThrownBy(() -> AgentConfig.load(cfg)).isInstanceOf(ConfigException.class)
        .hasMessage(w.reason());
  }

  @Test
  void loadForFirstBoot_layTheEnrollFileOverAgentYaml_itsValuesWin_labelsMerge(@TempDir Path dir) throws Exception {
    Path cfg = agentYaml(dir, "controller: old.lab:1\nhost: image\nca_fingerprint: \"" + "CD:".repeat(31) + "CD\"\n"
        + "token_file: nope\nstate_dir: ./state\nlabels:\n  image: base\n  rack: a\n");
    enroll(dir, WHOLE);
    AgentConfig c = AgentConfig.load(cfg);
    assertThat(c.controller()).isEqualTo("ctl.lab:7443");
    assertThat(c.hostName()).isEqualTo("prod-1");
    assertThat(c.caFingerprint()).isEqualTo(FP);
    assertThat(c.token()).contains(TOKEN);
    assertThat(c.role()).contains("prod");
    assertThat(c.labels()).containsEntry("image", "base").containsEntry("rack", "b").containsEntry("env", "prod");
    assertThat(c.enrollFile()).isEqualTo(dir.resolve("enroll.yaml"));
  }

  @Test
  void loadForFirstBoot_enrollFileField_isRelativeToAgentYaml(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("ci"));
    Path cfg = agentYaml(dir, "enroll_file: ci/first.yaml\nstate_dir: ./state\n");
    Files.writeString(dir.resolve("ci/first.yaml"), WHOLE);
    assertThat(AgentConfig.load(cfg).enrollFile()).isEqualTo(dir.resolve("ci/first.yaml"));
    assertThat(AgentConfig.load(cfg).token()).contains(TOKEN);
  }

  @Test
  void loadForFirstBoot_whenEnrollFileMalformedOrIncomplete_waitsWithTheReason(@TempDir Path dir) throws Exception {
    Path cfg = agentYaml(dir, "state_dir: ./state\n");
    Path f = enroll(dir, "controller: ctl.lab:7443\ntoken: nope\n");
    AgentConfig.Waiting w = (AgentConfig.Waiting) AgentConfig.loadForFirstBoot(cfg);
    assertThat(w.malformed()).isTrue();
    assertThat(w.reason()).startsWith(f + ":2:8: token: malformed enrollment token");

    enroll(dir, "controller: ctl.lab:7443\ntoken: " + TOKEN + "\n");
    w = (AgentConfig.Waiting) AgentConfig.loadForFirstBoot(cfg);
    assertThat(w.malformed()).isTrue();
    assertThat(w.reason()).startsWith(f + ": ca_fingerprint: missing; set it to the fingerprint 'homefleet token create'");
  }

  @Test
  void loadForFirstBoot_anErrorInAgentYamlItself_isStillAnError(@TempDir Path dir) throws Exception {
    Path cfg = agentYaml(dir, "state_dir: ./state\nkeepalive_time: 1s\n");
    enroll(dir, WHOLE);
    assertThatThrownBy(() -> AgentConfig.loadForFirstBoot(cfg)).hasMessageContaining("keepalive_time: must be at least 10s");
  }

  @Test
  void removeToken_rewritesTheFileWithoutIt_0600_keepingEveryOtherValue(@TempDir Path dir) throws Exception {
    Path f = enroll(dir, WHOLE);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(EnrollFile.removeToken(f, "prod-1", Instant.parse("2026-12-08T01:00:00Z"))).isTrue();

    String text = Files.readString(f);
    assertThat(text).doesNotContain(TOKEN).doesNotContain("token:")
        .startsWith("# homefleet-agent enrolled as prod-1 at 2026-12-08T01:00:00Z and removed the used");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    EnrollFile back = EnrollFile.read(f);
    assertThat(back.token()).isEmpty();
    assertThat(back.controller()).contains("ctl.lab:7443");
    assertThat(back.caFingerprint()).contains(FP);
    assertThat(back.host()).contains("prod-1");
    assertThat(back.role()).contains("prod");
    assertThat(back.labels()).containsEntry("env", "prod").containsEntry("rack", "b");
    assertThat(EnrollFile.removeToken(f, "prod-1", Instant.now())).isFalse();
  }

  @Test
  void removeToken_keepsQuotedValuesStrings(@TempDir Path dir) throws Exception {
    // Unquoted, 0123 and yes would be re-read as a number and a boolean.
    Path f = enroll(dir, "token: " + TOKEN + "\nlabels:\n  zip: \"0123\"\n  on: 'yes'\n");
    EnrollFile.removeToken(f, "h", Instant.now());
    assertThat(EnrollFile.read(f).labels()).containsEntry("zip", "0123").containsEntry("on", "yes");
    assertThat(Files.readString(f)).contains("\"0123\"");
  }

  @Test
  void makePrivate_takesGroupAndOtherAccessOff_andSaysWhatItWas(@TempDir Path dir) throws Exception {
    Path f = enroll(dir, WHOLE);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(EnrollFile.makePrivate(f)).contains("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(EnrollFile.makePrivate(f)).isEmpty();
  }
}
