package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlayCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int play(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "play";
    System.arraycopy(args, 0, all, 1, args.length);
    return HomefleetMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test
  void syntaxCheck_validPlaybook_printsItAndExitsZero() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks:\n    - command: uname -a\n");
    assertThat(play("--syntax-check", pb.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("playbook: " + pb);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void syntaxCheck_invalidPlaybook_printsEveryErrorAndExitsTwo() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks:\n    - commnd: ls\n    - shell: ls\n      whne: x\n");
    assertThat(play("--syntax-check", pb.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("site.yml:3:7: unknown module 'commnd' (did you mean 'command'?)")
        .contains("site.yml:5:7: unknown task keyword 'whne' (did you mean 'when'?)")
        .contains("2 errors in " + pb);
  }

  @Test
  void syntaxCheck_json_listsErrorsWithLocations() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks:\n    - commnd: ls\n");
    assertThat(play("--syntax-check", "--json", pb.toString())).isEqualTo(2);
    assertThat(out.toString()).contains("\"ok\" : false").contains("\"line\" : 3").contains("\"column\" : 7");
  }

  @Test
  void listTasks_showsTasksWithInheritedTags_filteredByTags() throws Exception {
    Path pb = write("site.yml", "- name: base\n  hosts: web\n  tags: [p]\n  roles: [{role: r, tags: rt}]\n"
        + "  tasks:\n    - name: one\n      command: ls\n      tags: a\n    - name: two\n      command: ls\n");
    write("roles/r/tasks/main.yml", "- name: in role\n  command: ls\n");
    assertThat(play("--list-tasks", pb.toString())).isEqualTo(0);
    assertThat(out.toString())
        .contains("  play #1 (web): base\tTAGS: [p]")
        .contains("      r : in role\tTAGS: [p, rt]")
        .contains("      one\tTAGS: [a, p]")
        .contains("      two\tTAGS: [p]");

    out.getBuffer().setLength(0);
    assertThat(play("--list-tasks", "-t", "a", pb.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("one").doesNotContain("two").doesNotContain("in role");
  }

  @Test
  void listTags_showsEveryTaskTag() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks:\n    - command: ls\n      tags: [x, y]\n");
    assertThat(play("--list-tags", pb.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("TASK TAGS: [x, y]");
  }

  @Test
  void play_withMissingInventory_exitsTwoBeforeCallingTheController() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks: []\n");
    assertThat(play("-i", "no-such-inventory", "-l", "web", "--check", "--diff", "-e", "a=1", "-e", "{\"b\": 2}",
        pb.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-inventory");
  }

  @Test
  void play_missingInventoryAndNoCredentials_reportsTheInventoryFirst() throws Exception {
    // The CLI opens its connection while it packs the playbook; the playbook's and the inventory's
    // errors still come before a missing operator home's.
    Path pb = write("site.yml", "- hosts: all\n  tasks: []\n");
    Path home = Files.createDirectories(dir.resolve("empty-home"));
    assertThat(play("--home", home.toString(), "-i", "no-such-inventory", pb.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-inventory").doesNotContain("no operator credentials");
    err.getBuffer().setLength(0);
    Path inv = write("hosts.ini", "h1\n");
    assertThat(play("--home", home.toString(), "-i", inv.toString(), pb.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no operator credentials in " + home);
  }

  @Test
  void play_badExtraVars_exitsTwo() throws Exception {
    Path pb = write("site.yml", "- hosts: all\n  tasks: []\n");
    assertThat(play("--syntax-check", "-e", "novalue", pb.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("-e novalue: expected key=value");
  }

  @Test
  void extraVars_keyValueJsonAndFile_laterWins() throws Exception {
    Path f = write("vars.yml", "c: 3\na: from-file\n");
    assertThat(PlayCommand.ExtraVars.parse(java.util.List.of("a=1 b=2", "{\"b\": [1]}", "@" + f)))
        .containsEntry("a", "from-file").containsEntry("b", java.util.List.of(1)).containsEntry("c", 3);
  }

  @Test
  void play_missingPlaybook_exitsTwoBeforeCallingTheController() {
    assertThat(play(dir.resolve("nope.yml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.yml: playbook not found");
  }

  @Test
  void localPaths_controllersFileLine_isShownFromTheWorkingDirectory() throws Exception {
    write("roles/web/tasks/main.yml", "- command: ls\n");
    Path shown = Path.of("").toAbsolutePath().relativize(dir.resolve("roles/web/tasks/main.yml"));
    assertThat(PlayCommand.localPaths(dir, "roles/web/tasks/main.yml:3:7: unknown module 'commnd'"))
        .isEqualTo(shown + ":3:7: unknown module 'commnd'");
    assertThat(PlayCommand.localPaths(dir, "inventory: no such group")).isEqualTo("inventory: no such group");
    assertThat(PlayCommand.localPaths(dir, "1 error in site.yml")).isEqualTo("1 error in site.yml");
  }

  @Test
  void syntaxCheck_vaultValue_needsThePassword_andNamesLineAndColumn() throws Exception {
    io.homefleet.playbook.vault.VaultSecret pw = io.homefleet.playbook.vault.VaultSecret.of("default", "hunter2");
    String enc = io.homefleet.playbook.vault.VaultCipher.encrypt("s3cr3t".getBytes(java.nio.charset.StandardCharsets.UTF_8), pw);
    Path pb = write("site.yml", "- hosts: all\n  vars:\n    db_password: !vault |\n" + enc.indent(6)
        + "  tasks:\n    - debug: msg={{ db_password }}\n");
    write("right", "hunter2\n");
    write("wrong", "nope\n");

    assertThat(play("--syntax-check", pb.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("site.yml:3:18: Attempting to decrypt but no vault secrets found");
    assertThat(play("--syntax-check", "--vault-password-file", dir.resolve("wrong").toString(), pb.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("site.yml:3:18: Decryption failed (no vault secrets were found that could"
        + " decrypt) on ");
    out.getBuffer().setLength(0);
    assertThat(play("--syntax-check", "--vault-id", "default@" + dir.resolve("right"), pb.toString())).isZero();
    assertThat(out.toString()).contains("playbook: " + pb);
  }
}
