package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.run.PlanListener;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.source.Unsafe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCompilerTest {
  @TempDir
  Path tmp;
  PlanFixture f;

  @BeforeEach
  void setUp() {
    f = new PlanFixture(tmp);
  }

  private void roleWeb() {
    f.file("roles/web/defaults/main.yml", "port: 80\nsite: default-site\nonly_default: d\n");
    f.file("roles/web/vars/main.yml", "site: role-site\n");
    f.file("roles/web/tasks/main.yml", """
        - name: conf
          copy: {content: "{{ port }} {{ site }} {{ only_default }} {{ role_name }}", dest: "@OUT@/web.conf"}
          notify: reload web
        """);
    f.file("roles/web/handlers/main.yml", """
        - name: reload web
          copy: {content: reloaded, dest: "@OUT@/reloaded"}
        """);
  }

  @Test
  void compile_roleDefaultsBelowHostVars_roleVarsAbove() throws Exception {
    roleWeb();
    f.hostVars.put("port", 8080);
    f.hostVars.put("site", "host-site");
    f.play("""
          roles:
            - web
        """);
    f.run();
    assertThat(f.read("web.conf")).isEqualTo("8080 role-site d web");
    assertThat(f.read("reloaded")).isEqualTo("reloaded");
    assertThat(f.events.result("web : conf").task().path()).isEqualTo("roles/web/0");
  }

  @Test
  void compile_roleParams_winOverRoleVars() throws Exception {
    roleWeb();
    f.play("""
          roles:
            - role: web
              site: param-site
        """);
    f.run();
    assertThat(f.read("web.conf")).isEqualTo("80 param-site d web");
  }

  @Test
  void compile_roleDependencies_runFirstInTheirOwnScope() throws Exception {
    roleWeb();
    f.file("roles/base/defaults/main.yml", "site: base-site\n");
    f.file("roles/base/tasks/main.yml", """
        - name: base
          copy: {content: "{{ site }} {{ role_name }}", dest: "@OUT@/base"}
        """);
    f.file("roles/app/meta/main.yml", "dependencies: [base]\n");
    f.file("roles/app/tasks/main.yml", """
        - name: app
          copy: {content: "{{ role_name }}", dest: "@OUT@/app"}
        """);
    f.play("""
          roles: [app]
        """);
    HostPlan plan = f.compile(0);
    f.run();
    assertThat(f.events.names()).containsExactly("base : base", "app : app");
    assertThat(f.read("base")).isEqualTo("base-site base");
    assertThat(plan.roles()).extracting(RoleScope::role).containsExactly("base", "app");
  }

  @Test
  void compile_sectionsInAnsibleOrder_withStablePathsAndLocations() throws Exception {
    roleWeb();
    f.play("""
          pre_tasks:
            - name: pre
              ping:
          roles: [web]
          tasks:
            - block:
                - name: in block
                  ping:
              rescue:
                - name: in rescue
                  ping:
          post_tasks:
            - name: post
              ping:
        """);
    HostPlan plan = f.compile(0);
    List<String> paths = new ArrayList<>();
    collect(plan.items(), paths);
    assertThat(paths).containsExactly("pre_tasks/0", "pre_tasks/flush_handlers", "roles/web/0", "tasks/0",
        "tasks/0/block/0", "tasks/0/rescue/0", "tasks/flush_handlers", "post_tasks/0");
    PlanTask pre = (PlanTask) plan.items().get(0);
    assertThat(pre.location()).isEqualTo("site.yml:4:7");
    assertThat(plan.handlers()).extracting(h -> h.task().path()).containsExactly("handlers/0");
    assertThat(plan.handlers().get(0).names()).contains("reload web", "web : reload web");
  }

  private static void collect(List<PlanItem> items, List<String> out) {
    for (PlanItem i : items) {
      out.add(i.path());
      if (i instanceof PlanBlock b) {
        collect(b.block(), out);
        collect(b.rescue(), out);
        collect(b.always(), out);
      } else if (i instanceof PlanInclude inc) {
        collect(inc.items(), out);
      }
    }
  }

  @Test
  void compile_blockKeywordsFoldIntoTasks() throws Exception {
    f.play("""
          tasks:
            - block:
                - name: t
                  ping:
                  when: b
                  vars: {x: task}
              when: a
              tags: [web]
              vars: {x: block, y: block}
              ignore_errors: true
              environment: {A: "1"}
        """);
    HostPlan plan = f.compile(0);
    PlanBlock block = plan.items().stream().filter(PlanBlock.class::isInstance).map(PlanBlock.class::cast)
        .findFirst().orElseThrow();
    PlanTask t = (PlanTask) block.block().get(0);
    assertThat(t.when()).containsExactly("a", "b");
    assertThat(t.tags()).containsExactly("web");
    assertThat(t.vars()).containsEntry("x", "task").containsEntry("y", "block");
    assertThat(t.ignoreErrors()).isEqualTo("true");
    assertThat(t.environment()).containsEntry("A", "1");
  }

  @Test
  void run_tagsSelection_runsTaggedAlwaysAndSkipsNever() throws Exception {
    f.options = new PlanOptions(List.of("web"), List.of(), false, false, Map.of());
    f.play("""
          tasks:
            - name: web
              copy: {content: x, dest: "@OUT@/web"}
              tags: web
            - name: db
              copy: {content: x, dest: "@OUT@/db"}
              tags: db
            - name: untagged
              copy: {content: x, dest: "@OUT@/untagged"}
            - name: always
              copy: {content: x, dest: "@OUT@/always"}
              tags: always
            - name: never
              copy: {content: x, dest: "@OUT@/never"}
              tags: [never, debug]
            - block:
                - name: inherits
                  copy: {content: x, dest: "@OUT@/inherits"}
              tags: web
        """);
    f.run();
    assertThat(f.events.names()).containsExactly("web", "always", "inherits");
    assertThat(f.exists("db")).isFalse();
    assertThat(f.exists("never")).isFalse();
  }

  @Test
  void tagSelection_followsAnsibleRules() {
    TagSelection all = TagSelection.ALL;
    assertThat(all.selects(List.of())).isTrue();
    assertThat(all.selects(List.of("never"))).isFalse();
    assertThat(all.selects(List.of("never", "debug"))).isFalse();
    TagSelection debug = new TagSelection(List.of("debug"), List.of());
    assertThat(debug.selects(List.of("never", "debug"))).isTrue();
    assertThat(debug.selects(List.of("always"))).isTrue();
    assertThat(debug.selects(List.of())).isFalse();
    TagSelection skipAlways = new TagSelection(List.of(), List.of("always"));
    assertThat(skipAlways.selects(List.of("always"))).isFalse();
    TagSelection skipAll = new TagSelection(List.of(), List.of("all"));
    assertThat(skipAll.selects(List.of("always"))).isTrue();
    assertThat(skipAll.selects(List.of("web"))).isFalse();
    assertThat(new TagSelection(List.of("untagged"), List.of()).selects(List.of())).isTrue();
    assertThat(new TagSelection(List.of("tagged"), List.of()).selects(List.of("x"))).isTrue();
    assertThat(new TagSelection(List.of("tagged"), List.of()).selects(List.of())).isFalse();
  }

  @Test
  void run_skipTags_leavesThoseOut() throws Exception {
    f.options = new PlanOptions(List.of(), List.of("slow"), false, false, Map.of());
    f.play("""
          tasks:
            - name: slow
              copy: {content: x, dest: "@OUT@/slow"}
              tags: slow
            - name: fast
              copy: {content: x, dest: "@OUT@/fast"}
        """);
    f.run();
    assertThat(f.events.names()).containsExactly("fast");
  }

  @Test
  void codec_roundTrip_keepsEverything() throws Exception {
    roleWeb();
    f.file("files/motd", "hello\n");
    f.hostVars.put("n", 5);
    f.hostVars.put("big", 12345678901L);
    f.hostVars.put("ratio", 0.5);
    f.hostVars.put("nothing", null);
    f.hostVars.put("list", List.of("a", Map.of("k", true)));
    f.hostVars.put("raw", new Unsafe("{{ x }}"));
    f.options = new PlanOptions(List.of("web", "always"), List.of("x"), true, true, Map.of("e", 1));
    f.play("""
          roles: [web]
          tasks:
            - name: motd
              copy: {src: motd, dest: "@OUT@/motd"}
              tags: web
              loop: "{{ list }}"
              loop_control: {label: "{{ item }}"}
              register: r
              until: r is succeeded
              retries: 2
              changed_when: false
            - include_tasks: other.yml
              tags: web
        """);
    f.file("other.yml", "- name: other\n  ping:\n  tags: web\n");
    HostPlan plan = f.compile(0);
    byte[] bytes = PlanCodec.encode(plan);
    HostPlan back = PlanCodec.decode(bytes);

    assertThat(PlanCodec.encode(back)).isEqualTo(bytes);
    assertThat(back.items()).isEqualTo(plan.items());
    assertThat(back.handlers()).isEqualTo(plan.handlers());
    assertThat(back.roles()).isEqualTo(plan.roles());
    assertThat(back.vars()).isEqualTo(plan.vars());
    Map<String, Object> hostVars = back.vars().get(io.homefleet.playbook.vars.Precedence.INVENTORY_HOST);
    assertThat(hostVars.get("raw")).isEqualTo(new Unsafe("{{ x }}"));
    assertThat(hostVars.get("big")).isEqualTo(12345678901L);
    assertThat(hostVars).containsEntry("nothing", null);
    assertThat(back.tags()).isEqualTo(plan.tags());
    assertThat(back.check()).isTrue();
    assertThat(back.extraVars()).isEqualTo(Map.of("e", 1));
    assertThat(back.files()).containsOnlyKeys("files/motd");
    assertThat(new String(back.files().get("files/motd"), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    assertThat(back.items()).hasAtLeastOneElementOfType(PlanInclude.class);
  }

  @Test
  void codec_decode_ignoresUnknownFields_andReadsTheKindWherever() throws Exception {
    String json = """
        {"format":3,"play":"p","location":"l","fromANewerController":{"x":[1,2]},
         "items":[{"id":3,"path":"tasks/0","name":"n","location":"site.yml:3:5","module":"ping",
                   "args":{"data":{"__ansible_unsafe":"{{ x }}"},"n":2.5},"k":"task","later":true}]}""";

    HostPlan plan = PlanCodec.decode(json.getBytes(StandardCharsets.UTF_8));

    PlanTask t = (PlanTask) plan.items().get(0);
    assertThat(t.id()).isEqualTo(3);
    assertThat(t.module()).isEqualTo("ping");
    assertThat(t.args()).containsEntry("data", new Unsafe("{{ x }}")).containsEntry("n", 2.5);
    assertThat(t.scope()).isZero();
    assertThat(t.loop()).isEmpty();
    assertThat(t.register()).isEmpty();
  }

  @Test
  void codec_refusesGarbageAndNewerFormats() {
    assertThatThrownBy(() -> PlanCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PlanException.class).hasMessageContaining("cannot read the plan");
    assertThatThrownBy(() -> PlanCodec.decode("{\"format\":99,\"play\":\"p\",\"location\":\"l\"}"
        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PlanException.class).hasMessageContaining("plan format 99");
    // Format 2 had no RunAs: an agent of that format would run a become task as itself.
    assertThatThrownBy(() -> PlanCodec.decode("{\"format\":2,\"play\":\"p\",\"location\":\"l\"}"
        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PlanException.class).hasMessageContaining("plan format 2 is not the one this agent reads (3)");
  }

  @Test
  void run_bundlePathEscaping_isRefused() {
    HostPlan evil = new HostPlan(PlanCodec.FORMAT, "p", "l", List.of(), List.of(), List.of(), Map.of(),
        TagSelection.ALL, false, false, false, Map.of("../escape", new byte[] {1}));
    assertThatThrownBy(() -> new PlanRunner().run(evil, tmp.resolve("bundle"), f.modules, PlanListener.NONE))
        .isInstanceOf(PlanException.class).hasMessageContaining("outside");
  }
}
