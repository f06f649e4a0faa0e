package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.compile.ControllerLookups;
import io.homefleet.playbook.compile.IncludeVars;
import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.run.PlayCalls;
import io.homefleet.playbook.vault.Vault;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultSecret;
import io.homefleet.playbook.vars.Precedence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's run asking the controller during the play: the answers come from the controller's own
 * classes (ControllerLookups, IncludeVars) over a channel that is a direct call here; the wire
 * between them is e2e's PlayCallsSideBySideIT.
 */
class PlayCallsPlanTest {
  private static final VaultSecret SECRET = new VaultSecret("default", "hunter2".getBytes(StandardCharsets.UTF_8));
  @TempDir Path tmp;

  /** The controller's end, in process. */
  private static final class Controller implements PlayCalls {
    final ControllerLookups lookups;
    final List<String> fetched = new ArrayList<>();

    Controller(ControllerLookups lookups) {
      this.lookups = lookups;
    }

    @Override
    public ModuleResult delegate(int taskId, String host, String module, Map<String, Object> args,
        InvocationContext context, boolean delegateFacts) {
      return ModuleResult.failed("no delegation here");
    }

    @Override
    public RunOnce runOnce(int taskId) {
      return RunOnce.HERE;
    }

    @Override
    public AutoCloseable throttle(int taskId, int limit) {
      return () -> { };
    }

    @Override
    public List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir) {
      return lookups.lookup(plugin, terms, keywords, roleDir);
    }

    @Override
    public Answer includeVars(Map<String, Object> args, String roleDir) {
      IncludeVars.Result r = new IncludeVars(lookups, new Vault(List.of(SECRET))).include(args, roleDir);
      return new Answer(r.result(), List.copyOf(r.secrets()));
    }

    @Override
    public Answer fetch(int taskId, String src, String dest, boolean flat, boolean check, byte[] content) {
      fetched.add(src + " " + new String(content, StandardCharsets.UTF_8));
      return new Answer(Map.of("changed", true, "dest", dest), List.of());
    }
  }

  private PlayRecap run(PlanFixture f, Controller c) throws Exception {
    EnumMap<Precedence, Map<String, Object>> vars = new EnumMap<>(Precedence.class);
    vars.put(Precedence.INVENTORY_HOST, f.hostVars);
    HostPlan plan = PlanCodec.decode(PlanCodec.encode(PlanCompiler.compile(f.load(), 0, vars, PlanOptions.DEFAULT,
        c.lookups)));
    return new PlanRunner().run(plan, f.bundle, f.modules, c, f.events);
  }

  private Controller controller(PlanFixture f) {
    return new Controller(new ControllerLookups(treeOf(f), Inventory.empty(), tmp.resolve("passwords"),
        Map.of("HF_COLOUR", "blue"), tmp));
  }

  private static Map<String, byte[]> treeOf(PlanFixture f) {
    Map<String, byte[]> tree = new java.util.TreeMap<>();
    try (var files = Files.walk(f.dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          tree.put(f.dir.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return tree;
  }

  @Test
  void aLookupOfHostVariables_isAnsweredByTheControllerDuringThePlay() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("files/web1.txt", "for web1\n").play("""
              tasks:
                - copy: {content: "{{ lookup('file', inventory_hostname + '.txt') }}|{{ lookup('env', var) }}", dest: "@OUT@/a"}
                  vars: {var: HF_COLOUR}
            """);
    PlayRecap recap = run(f, controller(f));
    assertThat(recap.failed()).as("%s", f.events.finished).isZero();
    assertThat(f.read("a")).isEqualTo("for web1|blue");
  }

  @Test
  void errorsWarn_showsAWarning_andGivesAnEmptyValue_whileIgnoreIsQuiet() throws Exception {
    PlanFixture f = new PlanFixture(tmp).play("""
              tasks:
                - name: warned
                  copy: {content: "{{ 'none' if lookup('file', name, errors='warn') is none else 'x' }}", dest: "@OUT@/w"}
                  vars: {name: nope}
                - name: ignored
                  copy: {content: "{{ query('file', name, errors='ignore') }}", dest: "@OUT@/i"}
                  vars: {name: nope}
                - name: strict
                  copy: {content: "{{ lookup('file', name) }}", dest: "@OUT@/s"}
                  vars: {name: nope}
                  ignore_errors: true
            """);
    PlayRecap recap = run(f, controller(f));
    assertThat(f.read("w")).isEqualTo("none");
    assertThat(f.read("i")).isEqualTo("[]");
    assertThat(f.events.result("warned").result().get("warnings")).asList().singleElement().asString()
        .contains("could not locate file in lookup: nope");
    assertThat(f.events.result("ignored").result()).doesNotContainKey("warnings");
    assertThat(f.events.result("strict").status()).isEqualTo(TaskStatus.FAILED);
    assertThat(recap.ignored()).isEqualTo(1);
  }

  @Test
  void includeVars_setsValuesBelowSetFact_andAboveTheHostsVars() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("vars/web1.yml", "port: 8080\nuser: www\n").play("""
              tasks:
                - set_fact: {user: from_set_fact}
                - include_vars: "{{ inventory_hostname }}.yml"
                  register: inc
                - copy: {content: "{{ port }} {{ user }} {{ inc.ansible_facts.port }}", dest: "@OUT@/a"}
                - include_vars: {file: "web1.yml", name: bag}
                - copy: {content: "{{ bag.port }}", dest: "@OUT@/b"}
            """);
    f.hostVars.put("port", 22);
    PlayRecap recap = run(f, controller(f));
    assertThat(recap.failed()).as("%s", f.events.finished).isZero();
    assertThat(f.read("a")).isEqualTo("8080 from_set_fact 8080");
    assertThat(f.read("b")).isEqualTo("8080");
    assertThat(f.events.finished.get(1).result().get("ansible_included_var_files"))
        .isEqualTo(List.of(f.bundle.toAbsolutePath().normalize().resolve("vars/web1.yml").toString()));
  }

  @Test
  void includeVars_ofAVaultFile_masksItsValuesInTheEvents() throws Exception {
    PlanFixture f = new PlanFixture(tmp).file("vars/secret.yml", VaultCipher.encrypt(
        "token: tok-4711-secret\n".getBytes(StandardCharsets.UTF_8), SECRET)).play("""
              tasks:
                - include_vars: secret.yml
                - name: uses it
                  copy: {content: "{{ token }}", dest: "@OUT@/t"}
            """);
    PlayRecap recap = run(f, controller(f));
    assertThat(recap.failed()).as("%s", f.events.finished).isZero();
    assertThat(f.read("t")).isEqualTo("tok-4711-secret");
    assertThat(f.events.finished.toString()).doesNotContain("tok-4711-secret").contains("********");
  }

  @Test
  void fetch_sendsTheHostsFile_andIsSkippedInCheckMode() throws Exception {
    Path src = f(tmp);
    PlanFixture f = new PlanFixture(tmp).play("""
              tasks:
                - fetch: {src: "%s", dest: /tmp/x}
                - fetch: {src: "%s/missing", dest: /tmp/x, fail_on_missing: false}
                  register: missing
                - fetch: {src: "%s", dest: /tmp/x}
                  check_mode: true
                  register: checked
            """.formatted(src, tmp, src));
    Controller c = controller(f);
    PlayRecap recap = run(f, c);
    assertThat(recap.failed()).as("%s", f.events.finished).isZero();
    assertThat(c.fetched).containsExactly(src + " fetched bytes");
    assertThat(f.events.finished.get(1).result()).containsEntry("msg",
        "the remote file does not exist, not transferring, ignored");
    assertThat(f.events.finished.get(2).status()).isEqualTo(TaskStatus.SKIPPED);
  }

  private static Path f(Path tmp) throws java.io.IOException {
    Path src = tmp.resolve("hostfile.txt");
    Files.writeString(src, "fetched bytes");
    return src;
  }
}
