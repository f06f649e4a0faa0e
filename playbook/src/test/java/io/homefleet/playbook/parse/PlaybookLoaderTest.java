package io.homefleet.playbook.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.model.Block;
import io.homefleet.playbook.model.Flag;
import io.homefleet.playbook.model.IncludeRole;
import io.homefleet.playbook.model.IncludeTasks;
import io.homefleet.playbook.model.Loop;
import io.homefleet.playbook.model.Play;
import io.homefleet.playbook.model.Serial;
import io.homefleet.playbook.model.Task;
import io.homefleet.playbook.source.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybookLoaderTest {
  @TempDir
  Path tmp;
  PlaybookFixture fx;

  @BeforeEach
  void setUp() {
    fx = new PlaybookFixture(tmp.resolve("work"));
  }

  private static String play(String tasks) {
    return "- hosts: all\n  tasks:\n" + tasks.indent(4);
  }

  @Test
  void load_simplePlay_buildsTheModel() throws Exception {
    fx.file("site.yml", """
        - name: base
          hosts: web, db
          gather_facts: no
          serial: [1, "50%"]
          max_fail_percentage: 20
          vars: {port: 22}
          tasks:
            - name: say
              ansible.builtin.command: echo hi chdir=/tmp
              register: out
              changed_when: false
              when: port == 22
              loop: [1, 2]
              loop_control: {loop_var: n, label: "{{ n }}"}
              notify: restart
              tags: a,b
              ignore_errors: "{{ lax | bool }}"
          handlers:
            - name: restart
              command: echo restart
        """);
    LoadedPlaybook pb = fx.load("site.yml");
    Play p = pb.playbook().plays().get(0);
    assertThat(p.hosts()).isEqualTo("web, db");
    assertThat(p.gatherFacts()).isFalse();
    assertThat(p.serial().batches()).containsExactly(new Serial.Count(1), new Serial.Percent(50));
    assertThat(p.maxFailPercentage()).hasValue(20);
    Task t = (Task) p.tasks().get(0);
    assertThat(t.module()).isEqualTo("command");
    assertThat(t.action()).isEqualTo("ansible.builtin.command");
    assertThat(t.args()).isEqualTo(Map.of("_raw_params", "echo hi", "chdir", "/tmp"));
    assertThat(t.location()).hasToString("site.yml:8:7");
    assertThat(t.register()).hasValue("out");
    assertThat(t.changedWhen()).containsExactly("false");
    assertThat(t.keywords().when()).containsExactly("port == 22");
    assertThat(t.keywords().tags()).containsExactly("a", "b");
    assertThat(t.keywords().ignoreErrors()).hasValue(new Flag.Templated("{{ lax | bool }}"));
    assertThat(t.loop().orElseThrow().kind()).isEqualTo(Loop.Kind.LOOP);
    assertThat(t.loop().orElseThrow().control().loopVar()).isEqualTo("n");
    assertThat(p.handlers()).singleElement().satisfies(h -> assertThat(h.task().name()).isEqualTo("restart"));
    assertThat(pb.warnings()).isEmpty();
  }

  @Test
  void load_unknownModule_suggestsNearest() {
    fx.file("p.yml", play("- commnd: ls\n"));
    assertThat(fx.errors("p.yml")).containsExactly("p.yml:3:7: unknown module 'commnd' (did you mean 'command'?)");
  }

  @Test
  void load_aModuleWithoutANativeOne_runsAnsiblesOwn_withANote() throws Exception {
    fx.file("p.yml", play("- known_hosts: name=git.lab key=k path=/tmp/kh\n- ufw: {rule: allow, port: 22}\n"));
    LoadedPlaybook pb = fx.load("p.yml");
    List<Task> tasks = pb.playbook().plays().get(0).tasks().stream().map(Task.class::cast).toList();
    // ufw is a short name Ansible 2.14 redirects to community.general.ufw.
    assertThat(tasks).extracting(Task::module).containsExactly("ansible.builtin.known_hosts", "community.general.ufw");
    assertThat(tasks.get(0).args()).isEqualTo(Map.of("name", "git.lab", "key", "k", "path", "/tmp/kh"));
    assertThat(pb.notes()).extracting(Diagnostic::toString).containsExactly(
        "p.yml:3:7: [NOTE] 'known_hosts' runs Ansible's own module ansible.builtin.known_hosts with python3 on the "
            + "host (no native module): the host needs ansible-core",
        "p.yml:4:7: [NOTE] 'ufw' runs Ansible's own module community.general.ufw with python3 on the host (no native "
            + "module): the host needs ansible-core and the community.general collection");
    assertThat(pb.warnings()).isEmpty();
  }

  @Test
  void load_asyncStatus_isNative_soSyntaxCheckListsNoPythonModule() throws Exception {
    fx.file("p.yml", play("- async_status: jid=1.2\n- ansible.builtin.async_status: {jid: '1.2', mode: cleanup}\n"));
    LoadedPlaybook pb = fx.load("p.yml");
    List<Task> tasks = pb.playbook().plays().get(0).tasks().stream().map(Task.class::cast).toList();
    assertThat(tasks).extracting(Task::module).containsExactly("async_status", "async_status");
    assertThat(pb.notes()).isEmpty();
  }

  @Test
  void load_anActionPluginWithoutANativeModule_isRefusedWithTheReason() {
    fx.file("p.yml", play("- add_host: name=x\n"));
    assertThat(fx.errors("p.yml")).containsExactly("p.yml:3:7: 'ansible.builtin.add_host' is an Ansible action plugin: "
        + "its work happens on Ansible's controller, which homefleet does not emulate, and homefleet has no native "
        + "module of that name yet");
  }

  @Test
  void load_withLookups_areLoops_andOtherLookupsAreRefusedNamingTheOnesThereAre() throws Exception {
    fx.file("p.yml", play("- debug: var=item\n  with_sequence: start=1 end=3\n"
        + "- debug: var=item\n  with_together: [[1, 2], [a, b]]\n"));
    List<Task> tasks = fx.load("p.yml").playbook().plays().get(0).tasks().stream().map(Task.class::cast).toList();
    assertThat(tasks.get(0).loop().orElseThrow()).isEqualTo(new Loop(Loop.Kind.WITH_LOOKUP, "sequence",
        "start=1 end=3", Loop.LoopControl.DEFAULT));
    assertThat(tasks.get(1).loop().orElseThrow().lookup()).isEqualTo("together");
    fx.file("q.yml", play("- debug: var=item\n  with_url: 'https://example.com'\n"));
    assertThat(fx.errors("q.yml")).singleElement().asString().startsWith("q.yml:4:7: with_url uses an Ansible "
        + "lookup plugin homefleet does not have (it has dict, env, file, fileglob, first_found, flattened,");
  }

  @Test
  void load_unknownModuleFqcn_suggestsNearestFqcn() {
    fx.file("p.yml", play("- ansible.builtin.shel: ls\n"));
    assertThat(fx.errors("p.yml")).containsExactly(
        "p.yml:3:7: unknown module 'ansible.builtin.shel' (did you mean 'ansible.builtin.shell'?)");
  }

  @Test
  void load_unknownKeyword_suggestsNearest() {
    fx.file("p.yml", play("- command: ls\n  whne: x is defined\n"));
    assertThat(fx.errors("p.yml")).containsExactly("p.yml:4:7: unknown task keyword 'whne' (did you mean 'when'?)");
  }

  @Test
  void load_unknownArgument_suggestsNearest() {
    fx.file("p.yml", play("- command:\n    cmd: ls\n    chdri: /tmp\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .startsWith("p.yml:5:9: unknown argument 'chdri' for module 'command' (did you mean 'chdir'?)");
  }

  @Test
  void load_wrongType_isReported() {
    fx.file("p.yml", play("- command:\n    cmd: ls\n    strip_empty_ends: [1]\n"));
    assertThat(fx.errors("p.yml")).containsExactly(
        "p.yml:5:9: argument 'strip_empty_ends' of 'command' must be a boolean (yes/no, true/false), not a list");
  }

  @Test
  void load_templatedValue_isNotTypeChecked() throws Exception {
    fx.file("p.yml", play("- command:\n    cmd: ls\n    strip_empty_ends: \"{{ strip }}\"\n"));
    assertThat(fx.load("p.yml").playbook().plays()).hasSize(1);
  }

  @Test
  void load_setFactKeyValue_givesOneArgumentPerKey_andRefusesFreeText() throws Exception {
    fx.file("p.yml", play("- set_fact: a=1 b=\"{{ x }} y\" cacheable=yes\n"));
    Task t = (Task) fx.load("p.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(t.args()).containsExactly(Map.entry("a", "1"), Map.entry("b", "{{ x }} y"),
        Map.entry("cacheable", "yes"));
    fx.file("q.yml", play("- set_fact: a=1 stray\n"));
    assertThat(fx.errors("q.yml")).singleElement().asString()
        .contains("module 'set_fact' takes key=value arguments, not free-form text: 'stray'");
  }

  @Test
  void load_keyValueForm_forNonFreeFormModule() throws Exception {
    fx.file("p.yml", play("- ping: data=pong\n- ping: data='a b' nosuch=1\n- ping: just text\n"));
    assertThat(fx.errors("p.yml")).containsExactly(
        "p.yml:4:13: unknown argument 'nosuch' for module 'ping' (it takes: data)",
        "p.yml:5:13: module 'ping' takes key=value arguments, not free-form text: 'just' (write the arguments as a"
            + " mapping)",
        "p.yml:5:13: module 'ping' takes key=value arguments, not free-form text: 'text' (write the arguments as a"
            + " mapping)");
  }

  @Test
  void load_freeFormShellScript_keepsNewlines() throws Exception {
    fx.file("p.yml", play("- shell: |\n    set -e\n    echo  \"a b\"\n"));
    Task t = (Task) fx.load("p.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(t.args()).isEqualTo(Map.of("_raw_params", "set -e\necho  \"a b\"\n"));
  }

  @Test
  void load_missingCommand_isReported() {
    fx.file("p.yml", play("- command:\n    chdir: /tmp\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString().startsWith("p.yml:3:7: no command given to 'command'");
  }

  @Test
  void load_argsKeyword_mergesWithInlineWinning() throws Exception {
    fx.file("p.yml", play("- command: ls chdir=/a\n  args:\n    chdir: /b\n    creates: /c\n"));
    Task t = (Task) fx.load("p.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(t.args()).containsEntry("chdir", "/a").containsEntry("creates", "/c");
  }

  @Test
  void load_twoModules_isAnError() {
    fx.file("p.yml", play("- command: ls\n  shell: ls\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString().contains("names both 'command' and 'shell'");
  }

  @Test
  void load_delegateToOnAPlay_isRefused_onATask_isAccepted() throws Exception {
    fx.file("p.yml", "- hosts: all\n  delegate_to: localhost\n  tasks: []\n");
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .startsWith("p.yml:2:3: 'delegate_to' is not a valid attribute for a Play");
    fx.file("t.yml", play("- command: ls\n  delegate_to: localhost\n  run_once: true\n  throttle: 2\n"));
    assertThat(fx.load("t.yml").warnings()).isEmpty();
  }

  @Test
  void load_become_isAcceptedWithoutWarnings() throws Exception {
    fx.file("p.yml", "- hosts: all\n  become: yes\n  tasks:\n    - command: ls\n      become: true\n"
        + "    - command: ls\n      become_user: root\n      become: true\n      async: 10\n      poll: 2\n");
    assertThat(fx.load("p.yml").warnings()).isEmpty();
  }

  @Test
  void load_unknownBecomeMethod_warnsThatItRunsAsSudo() throws Exception {
    fx.file("p.yml", play("- command: ls\n  become: true\n  become_method: doas\n"));
    assertThat(fx.load("p.yml").warnings()).extracting(Diagnostic::toString).containsExactly(
        "p.yml:5:22: [WARNING] become_method 'doas' is run as sudo: the agent switches to the user itself, with the "
            + "user's groups and HOME (write sudo, su or runuser to say so)");
  }

  @Test
  void load_asyncOnABlock_isRefusedWithTheFix() {
    fx.file("p.yml", play("- block:\n    - command: ls\n  async: 10\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .isEqualTo("p.yml:5:7: async is a task keyword, not one of a block (set it on each task)");
  }

  @Test
  void load_jinjaSyntaxErrorInWhen_isReported() {
    fx.file("p.yml", play("- command: ls\n  when: x ==\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .startsWith("p.yml:4:13: Jinja syntax error in condition 'x =='");
  }

  @Test
  void load_jinjaSyntaxErrorInArgs_isReported() {
    fx.file("p.yml", play("- command: echo {{ x ) }}\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString().startsWith("p.yml:3:7: Jinja syntax error");
  }

  @Test
  void load_lookupPlugin_isRefused() {
    fx.file("p.yml", play("- command: echo {{ lookup('url', 'https://example.com') }}\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString().contains("lookup() runs an Ansible lookup plugin");
  }

  @Test
  void load_unsupportedWithLookup_isRefused() {
    fx.file("p.yml", play("- command: echo {{ item }}\n  with_url: 'https://example.com'\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .startsWith("p.yml:4:7: with_url uses an Ansible lookup plugin");
  }

  @Test
  void load_controllerLookupsAndTheirLoops_areAccepted() throws Exception {
    fx.file("p.yml", play("- command: echo {{ lookup('env', 'HOME') }} {{ query('fileglob', '*.conf') }}\n"
        + "- debug: var=item\n  with_fileglob: '*.conf'\n- debug: var=item\n  with_first_found: [a, b]\n"));
    List<Task> tasks = fx.load("p.yml").playbook().plays().get(0).tasks().stream().map(Task.class::cast).toList();
    assertThat(tasks.get(1).loop().orElseThrow().lookup()).isEqualTo("fileglob");
    assertThat(tasks.get(2).loop().orElseThrow().kind()).isEqualTo(Loop.Kind.WITH_LOOKUP);
  }

  @Test
  void load_withDictAndWithItems_becomeLoops() throws Exception {
    fx.file("p.yml", play("- command: echo {{ item.key }}\n  with_dict: {a: 1}\n"
        + "- command: echo {{ item }}\n  with_items: [[1, 2], 3]\n"));
    List<Task> tasks = fx.load("p.yml").playbook().plays().get(0).tasks().stream().map(Task.class::cast).toList();
    assertThat(tasks.get(0).loop().orElseThrow().kind()).isEqualTo(Loop.Kind.WITH_DICT);
    assertThat(tasks.get(1).loop().orElseThrow().kind()).isEqualTo(Loop.Kind.WITH_ITEMS);
  }

  @Test
  void load_collectsAllErrors_notJustTheFirst() {
    fx.file("p.yml", play("- commnd: ls\n- shell: ls\n  whne: x\n- ping:\n    dta: 1\n"));
    assertThat(fx.errors("p.yml")).hasSize(3);
  }

  @Test
  void load_blockRescueAlways() throws Exception {
    fx.file("p.yml", play("- block:\n    - command: ls\n  rescue:\n    - command: echo rescued\n"
        + "  always:\n    - command: echo done\n  when: x\n"));
    Block b = (Block) fx.load("p.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(b.block()).hasSize(1);
    assertThat(b.rescue()).hasSize(1);
    assertThat(b.always()).hasSize(1);
    assertThat(b.keywords().when()).containsExactly("x");
  }

  @Test
  void load_importTasks_resolvesStatically_andReportsErrorsInTheImportedFile() {
    fx.file("p.yml", play("- import_tasks: tasks/more.yml\n"));
    fx.file("tasks/more.yml", "- command: ls\n- pingg:\n");
    assertThat(fx.errors("p.yml")).containsExactly("tasks/more.yml:2:3: unknown module 'pingg' (did you mean"
        + " 'ping'?)");
  }

  @Test
  void load_includeTasksWithTemplate_staysDynamic() throws Exception {
    fx.file("p.yml", play("- include_tasks: \"{{ ansible_os_family }}.yml\"\n  loop: [1]\n"));
    IncludeTasks inc = (IncludeTasks) fx.load("p.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(inc.dynamic()).isTrue();
    assertThat(inc.tasks()).isEmpty();
    assertThat(inc.loop()).isPresent();
  }

  @Test
  void load_includeTasksMissingFile_isReported() {
    fx.file("p.yml", play("- include_tasks: nope.yml\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .isEqualTo("p.yml:3:22: task file 'nope.yml' not found (looked in p.yml/../nope.yml)".replace(
            "p.yml/../nope.yml", "nope.yml"));
  }

  @Test
  void load_importCycle_isReported() {
    fx.file("p.yml", play("- import_tasks: a.yml\n"));
    fx.file("a.yml", "- import_tasks: a.yml\n");
    assertThat(fx.errors("p.yml")).singleElement().asString().contains("a.yml includes itself");
  }

  @Test
  void load_roles_readsTasksHandlersDefaultsVarsAndDependencies() throws Exception {
    fx.file("site.yml", "- hosts: all\n  roles:\n    - role: web\n      tags: [w]\n      http_port: 80\n");
    fx.file("roles/web/tasks/main.yml", "- template: src=site.conf.j2 dest=/etc/site.conf\n  notify: reload\n");
    fx.file("roles/web/templates/site.conf.j2", "port {{ port }}\n");
    fx.file("roles/web/handlers/main.yml", "- name: reload\n  command: echo reload\n");
    fx.file("roles/web/defaults/main.yml", "port: 8080\n");
    fx.file("roles/web/vars/main.yml", "user: www\n");
    fx.file("roles/web/meta/main.yml", "dependencies: [base]\n");
    fx.file("roles/base/tasks/main.yml", "- command: echo base\n");
    Play p = fx.load("site.yml").playbook().plays().get(0);
    var ref = p.roles().get(0);
    assertThat(ref.params()).isEqualTo(Map.of("http_port", 80));
    var role = ref.role().orElseThrow();
    Task template = (Task) role.tasks().get(0);
    assertThat(template.module()).isEqualTo("template");
    assertThat(template.args()).containsEntry("src", "site.conf.j2").containsEntry("dest", "/etc/site.conf");
    assertThat(template.files()).containsEntry("src", "roles/web/templates/site.conf.j2");
    assertThat(template.notifies()).containsExactly("reload");
    assertThat(role.handlers()).singleElement().satisfies(h -> assertThat(h.task().name()).isEqualTo("reload"));
    assertThat(role.defaults()).isEqualTo(Map.of("port", 8080));
    assertThat(role.vars()).isEqualTo(Map.of("user", "www"));
    assertThat(role.dependencies()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("base");
      assertThat(((Task) d.role().orElseThrow().tasks().get(0)).args()).containsEntry("_raw_params", "echo base");
    });
  }

  @Test
  void load_roleWithCommand_model() throws Exception {
    fx.file("site.yml", "- hosts: all\n  roles:\n    - role: web\n      tags: [w]\n      http_port: 80\n");
    fx.file("roles/web/tasks/main.yml", "- command: echo {{ http_port }}\n  notify: reload\n");
    fx.file("roles/web/handlers/main.yml", "- name: reload\n  command: echo reload\n");
    fx.file("roles/web/defaults/main.yml", "port: 8080\n");
    fx.file("roles/web/meta/main.yml", "dependencies: [base]\n");
    fx.file("roles/base/tasks/main.yml", "- command: echo base\n");
    Play p = fx.load("site.yml").playbook().plays().get(0);
    var ref = p.roles().get(0);
    assertThat(ref.params()).isEqualTo(Map.of("http_port", 80));
    assertThat(ref.keywords().tags()).containsExactly("w");
    var role = ref.role().orElseThrow();
    assertThat(role.bundleDir()).isEqualTo("roles/web");
    assertThat(role.defaults()).isEqualTo(Map.of("port", 8080));
    assertThat(role.handlers()).hasSize(1);
    assertThat(role.dependencies()).singleElement().satisfies(d -> assertThat(d.name()).isEqualTo("base"));
    assertThat(((Task) role.tasks().get(0)).displayName()).isEqualTo("web : command");
  }

  @Test
  void load_missingRole_suggestsNearest() {
    fx.file("site.yml", "- hosts: all\n  roles: [comon]\n");
    fx.file("roles/common/tasks/main.yml", "- command: ls\n");
    assertThat(fx.errors("site.yml")).singleElement().asString()
        .startsWith("site.yml:2:11: role 'comon' not found").endsWith("(did you mean 'common'?)");
  }

  @Test
  void load_importRole_isStatic() throws Exception {
    fx.file("site.yml", play("- import_role:\n    name: common\n    tasks_from: extra\n"));
    fx.file("roles/common/tasks/extra.yml", "- command: echo extra\n");
    IncludeRole ir = (IncludeRole) fx.load("site.yml").playbook().plays().get(0).tasks().get(0);
    assertThat(ir.dynamic()).isFalse();
    assertThat(ir.role().role().orElseThrow().tasks()).hasSize(1);
  }

  @Test
  void load_notifyWithoutHandler_suggestsNearest() {
    fx.file("p.yml", "- hosts: all\n  tasks:\n    - command: ls\n      notify: restart ngnix\n"
        + "  handlers:\n    - name: restart nginx\n      command: ls\n");
    assertThat(fx.errors("p.yml")).containsExactly(
        "p.yml:3:7: notify 'restart ngnix' matches no handler in this play (did you mean 'restart nginx'?)");
  }

  @Test
  void load_handlerListen_answersNotify() throws Exception {
    fx.file("p.yml", "- hosts: all\n  tasks:\n    - command: ls\n      notify: web changed\n"
        + "  handlers:\n    - name: restart nginx\n      command: ls\n      listen: web changed\n");
    assertThat(fx.load("p.yml").playbook().plays().get(0).handlers().get(0).listen()).containsExactly("web changed");
  }

  @Test
  void load_varsFiles_readAndMissingReported() throws Exception {
    fx.file("p.yml", "- hosts: all\n  vars_files: [vars/a.yml, \"vars/{{ env }}.yml\"]\n  tasks: []\n");
    fx.file("vars/a.yml", "x: 1\n");
    Play p = fx.load("p.yml").playbook().plays().get(0);
    assertThat(p.varsFiles().get(0).vars()).hasValue(Map.of("x", 1));
    assertThat(p.varsFiles().get(1).vars()).isEmpty();

    fx.file("q.yml", "- hosts: all\n  vars_files: [vars/b.yml]\n");
    assertThat(fx.errors("q.yml")).singleElement().asString()
        .isEqualTo("q.yml:2:16: vars file 'vars/b.yml' not found (looked in vars/b.yml)");
  }

  @Test
  void load_srcOutsideTheBundle_isRefused() throws Exception {
    fx.file("p.yml", play("- include_tasks: ../../etc/passwd\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString()
        .contains("'../../etc/passwd' is outside the playbook's directory: nothing can reach outside the bundle");
  }

  @Test
  void load_symlinkOutOfTheBundle_isRefused() throws Exception {
    Path outside = Files.writeString(tmp.resolve("secret.yml"), "- command: ls\n");
    fx.file("p.yml", play("- import_tasks: link.yml\n"));
    Files.createSymbolicLink(fx.dir.resolve("link.yml"), outside);
    assertThat(fx.errors("p.yml")).singleElement().asString().contains("nothing can reach outside the bundle");
  }

  @Test
  void load_importPlaybook_expandsPlaysWithTheirOwnLocations() throws Exception {
    fx.file("site.yml", "- import_playbook: sub/web.yml\n  tags: [web]\n- hosts: db\n  tasks: []\n");
    fx.file("sub/web.yml", "- hosts: web\n  tasks: [{command: ls}]\n");
    List<Play> plays = fx.load("site.yml").playbook().plays();
    assertThat(plays).extracting(Play::hosts).containsExactly("web", "db");
    assertThat(plays.get(0).location()).hasToString("sub/web.yml:1:3");
    assertThat(plays.get(0).keywords().tags()).containsExactly("web");
  }

  @Test
  void load_playWithoutHosts_andUnknownPlayKeyword() {
    fx.file("p.yml", "- name: x\n  taks: []\n");
    assertThat(fx.errors("p.yml")).containsExactly(
        "p.yml:2:3: unknown play keyword 'taks' (did you mean 'tasks'?)",
        "p.yml:1:3: this play has no hosts: (add 'hosts: all' or a group name)");
  }

  @Test
  void load_strategyFree_warns() throws Exception {
    fx.file("p.yml", "- hosts: all\n  strategy: free\n  tasks: []\n");
    assertThat(fx.load("p.yml").warnings()).singleElement().asString()
        .contains("strategy 'free' is not supported; the play runs with 'linear'");
  }

  @Test
  void load_badSerial_isReported() {
    fx.file("p.yml", "- hosts: all\n  serial: lots\n  tasks: []\n");
    assertThat(fx.errors("p.yml")).singleElement().asString().startsWith("p.yml:2:11: serial takes a number");
  }

  @Test
  void load_meta_flushHandlers() throws Exception {
    fx.file("p.yml", play("- meta: flush_handlers\n- meta: reset_connection\n"));
    assertThat(fx.errors("p.yml")).singleElement().asString().startsWith("p.yml:4:7: meta: 'reset_connection' is not"
        + " supported");
  }

  @Test
  void load_yamlSyntaxError_isReportedWithLocation() {
    fx.file("p.yml", "- hosts: all\n  tasks:\n  - command: ls\n   - bad\n");
    assertThat(fx.errors("p.yml")).singleElement().asString().matches("p\\.yml:\\d+:\\d+: YAML syntax error: .*");
  }

  @Test
  void load_playbookNotFound() {
    assertThat(fx.errors("nope.yml")).containsExactly("nope.yml: playbook not found");
  }
}
