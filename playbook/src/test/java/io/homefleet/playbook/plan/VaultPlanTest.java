package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.run.SecretMask;
import io.homefleet.playbook.vars.VarScope;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault values through the loader, the compiler's rule and the runner's mask, as the controller and agent use them. */
class VaultPlanTest {
  private static final VaultSecret PW = VaultSecret.of("default", "hunter2");

  @TempDir
  Path dir;

  private static String inline(String plaintext, int indent) {
    return "!vault |\n" + VaultCipher.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), PW).indent(indent);
  }

  private void write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private HostPlan compile(Vault vault) throws Exception {
    LoadedPlaybook loaded = new PlaybookLoader(dir, List.of(), vault).load(dir.resolve("site.yml"));
    Inventory inv = Inventory.load(dir.resolve("hosts.yml"), vault);
    var vars = VarScope.forPlay(inv, "web1", loaded.playbook().plays().get(0), Map.of(), Map.of(), Map.of()).layers();
    PlanOptions options = new PlanOptions(List.of(), List.of(), false, false, Map.of(), vault.revealed());
    return PlanCompiler.compile(loaded, 0, vars, options);
  }

  private void playbook() throws Exception {
    write("hosts.yml", "all:\n  hosts:\n    web1:\n  vars:\n    inventory_secret: " + inline("inv-secret-1", 6));
    write("secrets.yml", VaultCipher.encrypt("file_secret: file-secret-2\nunused_file_secret: unused-3\n"
        .getBytes(StandardCharsets.UTF_8), PW));
    write("site.yml", "- hosts: all\n  gather_facts: false\n  vars_files: [secrets.yml]\n  vars:\n"
        + "    db_password: " + inline("inline-secret-4", 6)
        + "    unused_inline: " + inline("unused-5", 6)
        + "    derived: \"{{ file_secret }}\"\n"
        + "  tasks:\n"
        + "    - debug:\n        msg: \"pw={{ db_password }} derived={{ derived }}\"\n"
        + "    - assert:\n        that: [\"db_password == 'inline-secret-4'\", \"derived == 'file-secret-2'\"]\n"
        + "    - set_fact:\n        carried: \"{{ db_password }}\"\n");
  }

  @Test
  void plan_carriesOnlyTheSecretsItsTasksName() throws Exception {
    playbook();
    Vault vault = new Vault(List.of(PW));

    HostPlan plan = compile(vault);

    String bytes = new String(PlanCodec.encode(plan), StandardCharsets.UTF_8);
    assertThat(plan.mergedVars()).containsEntry("db_password", "inline-secret-4")
        .containsEntry("file_secret", "file-secret-2").doesNotContainKeys("unused_inline", "unused_file_secret",
            "inventory_secret");
    assertThat(bytes).doesNotContain("unused-3", "unused-5", "inv-secret-1");
    assertThat(plan.secrets()).containsExactlyInAnyOrder("inline-secret-4", "file-secret-2");
    assertThat(PlanCodec.decode(PlanCodec.encode(plan)).secrets()).isEqualTo(plan.secrets());
  }

  @Test
  void run_masksSecretsInEventsAndRecap_whileTasksSeeThem() throws Exception {
    playbook();
    HostPlan plan = PlanCodec.decode(PlanCodec.encode(compile(new Vault(List.of(PW)))));
    PlanFixture.Events events = new PlanFixture.Events();

    PlayRecap recap = new PlanRunner().run(plan, dir.resolve("bundle"), new FsModules(), events);

    assertThat(recap.failed()).isZero();
    assertThat(events.finished).extracting(TaskResult::status).doesNotContain(TaskStatus.FAILED);
    assertThat(events.finished.get(0).result().get("msg")).isEqualTo("pw=" + SecretMask.MASK + " derived="
        + SecretMask.MASK);
    assertThat(recap.facts().toString()).doesNotContain("inline-secret-4").contains(SecretMask.MASK);
    assertThat(events.recap).isEqualTo(recap);
  }

  @Test
  void plan_withoutSecrets_isUnchanged() throws Exception {
    write("hosts.yml", "all:\n  hosts:\n    web1:\n");
    write("site.yml", "- hosts: all\n  gather_facts: false\n  vars:\n    a: 1\n  tasks:\n    - debug: msg=hi\n");

    HostPlan plan = compile(Vault.none());

    assertThat(plan.secrets()).isEmpty();
    assertThat(plan.mergedVars()).containsEntry("a", 1);
  }
}
