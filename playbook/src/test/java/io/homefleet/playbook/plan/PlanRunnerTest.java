package io.homefleet.playbook.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.playbook.compile.PlanOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRunnerTest {
  @TempDir
  Path tmp;
  PlanFixture f;

  @BeforeEach
  void setUp() {
    f = new PlanFixture(tmp);
  }

  @Test
  void run_whenFalse_skipsTask() throws Exception {
    f.hostVars.put("enabled", false);
    f.play("""
          tasks:
            - name: write
              copy: {content: hello, dest: "@OUT@/a"}
              when: enabled
            - name: other
              copy: {content: hi, dest: "@OUT@/b"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("a")).isFalse();
    assertThat(f.read("b")).isEqualTo("hi");
    TaskResult r = f.events.result("write");
    assertThat(r.status()).isEqualTo(TaskStatus.SKIPPED);
    assertThat(r.result()).containsEntry("false_condition", "enabled")
        .containsEntry("skip_reason", "Conditional result was False");
    assertThat(recap.skipped()).isEqualTo(1);
    assertThat(recap.ok()).isEqualTo(1);
    assertThat(recap.changed()).isEqualTo(1);
  }

  @Test
  void run_taskNames_areTemplatedForDisplay_asAnsiblePlaybookShowsThem() throws Exception {
    f.hostVars.put("zone", "Europe/Berlin");
    f.play("""
          tasks:
            - name: look up {{ zone }}
              copy: {content: x, dest: "@OUT@/a"}
            - name: not yet {{ nothing_registered.stdout }}
              copy: {content: y, dest: "@OUT@/b"}
        """);
    f.run();
    assertThat(f.events.result("look up Europe/Berlin").status()).isEqualTo(TaskStatus.CHANGED);
    assertThat(f.events.result("not yet {{ nothing_registered.stdout }}").status()).isEqualTo(TaskStatus.CHANGED);
  }

  @Test
  void run_whenList_allConditionsMustHold() throws Exception {
    f.hostVars.put("a", true);
    f.hostVars.put("n", 3);
    f.play("""
          tasks:
            - name: both
              copy: {content: x, dest: "@OUT@/both"}
              when: [a, n > 2]
            - name: one false
              copy: {content: x, dest: "@OUT@/one"}
              when: [a, n > 5]
        """);
    f.run();
    assertThat(f.exists("both")).isTrue();
    assertThat(f.exists("one")).isFalse();
    assertThat(f.events.result("one false").result()).containsEntry("false_condition", "n > 5");
  }

  @Test
  void run_loopWithRegister_givesResultsList() throws Exception {
    f.play("""
          tasks:
            - name: files
              copy: {content: "{{ item }}", dest: "@OUT@/{{ item }}"}
              loop: [a, b, c]
              register: written
            - name: report
              copy:
                content: "{{ written.results | map(attribute='item') | join(',') }} {{ written.results | length }} {{ written.changed }}"
                dest: "@OUT@/report"
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("a")).isEqualTo("a");
    assertThat(f.read("c")).isEqualTo("c");
    // Jinja2 prints Python's bool: Ansible writes "True" here.
    assertThat(f.read("report")).isEqualTo("a,b,c 3 True");
    assertThat(f.events.items).extracting(ItemResult::label).containsExactly("a", "b", "c");
    assertThat(f.events.result("files").result()).containsEntry("msg", "All items completed");
    assertThat(recap.changed()).isEqualTo(2);
    assertThat(recap.facts()).containsKey("written");
  }

  @Test
  void run_loopWhenPerItem_skipsOnlyThoseItems() throws Exception {
    f.play("""
          tasks:
            - name: some
              copy: {content: "{{ item }}", dest: "@OUT@/n{{ item }}"}
              loop: [1, 2, 3, 4]
              when: item is even
        """);
    f.run();
    assertThat(f.exists("n2")).isTrue();
    assertThat(f.exists("n4")).isTrue();
    assertThat(f.exists("n1")).isFalse();
    assertThat(f.events.items).extracting(ItemResult::status)
        .containsExactly(TaskStatus.SKIPPED, TaskStatus.CHANGED, TaskStatus.SKIPPED, TaskStatus.CHANGED);
    assertThat(f.events.result("some").status()).isEqualTo(TaskStatus.CHANGED);
  }

  @Test
  void run_withDictAndLoopControl_namesItemAndIndex() throws Exception {
    f.hostVars.put("users", Map.of("alice", 1001));
    f.play("""
          tasks:
            - name: users
              copy: {content: "{{ u.key }}={{ u.value }} #{{ i }}", dest: "@OUT@/{{ u.key }}"}
              with_dict: "{{ users }}"
              loop_control: {loop_var: u, index_var: i, label: "{{ u.key }}"}
        """);
    f.run();
    assertThat(f.read("alice")).isEqualTo("alice=1001 #0");
    assertThat(f.events.items.get(0).label()).isEqualTo("alice");
    assertThat(f.events.items.get(0).result()).containsEntry("ansible_loop_var", "u").containsEntry("i", 0);
  }

  @Test
  void run_loopOverString_failsNamingTheTask() throws Exception {
    f.hostVars.put("word", "abc");
    f.play("""
          tasks:
            - name: bad loop
              copy: {content: x, dest: "@OUT@/x"}
              loop: "{{ word }}"
        """);
    PlayRecap recap = f.run();
    assertThat(recap.end()).isEqualTo(PlayRecap.End.FAILED);
    assertThat(f.events.result("bad loop").msg()).contains("site.yml:4:").contains("requires a list");
  }

  @Test
  void run_failedTaskInBlock_runsRescueThenAlways() throws Exception {
    f.play("""
          tasks:
            - block:
                - name: breaks
                  shell: exit 3
                - name: never reached
                  copy: {content: x, dest: "@OUT@/unreached"}
              rescue:
                - name: rescue
                  copy: {content: "{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }}", dest: "@OUT@/rescued"}
              always:
                - name: always
                  copy: {content: done, dest: "@OUT@/always"}
            - name: after
              copy: {content: x, dest: "@OUT@/after"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("unreached")).isFalse();
    assertThat(f.read("rescued")).isEqualTo("breaks rc=3");
    assertThat(f.read("always")).isEqualTo("done");
    assertThat(f.exists("after")).isTrue();
    assertThat(recap.failed()).isZero();
    assertThat(recap.rescued()).isEqualTo(1);
    assertThat(recap.end()).isEqualTo(PlayRecap.End.COMPLETED);
    assertThat(f.events.result("breaks").status()).isEqualTo(TaskStatus.FAILED);
  }

  @Test
  void run_failedTaskWithoutRescue_stopsHostButRunsAlways() throws Exception {
    f.play("""
          tasks:
            - name: notifier
              copy: {content: x, dest: "@OUT@/n"}
              notify: h
            - block:
                - name: breaks
                  fail: {msg: broken on purpose}
              always:
                - name: cleanup
                  copy: {content: x, dest: "@OUT@/cleanup"}
            - name: after
              copy: {content: x, dest: "@OUT@/after"}
          handlers:
            - name: h
              copy: {content: x, dest: "@OUT@/handler"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("cleanup")).isTrue();
    assertThat(f.exists("after")).isFalse();
    assertThat(f.exists("handler")).as("handlers do not run on a failed host").isFalse();
    assertThat(recap.failed()).isEqualTo(1);
    assertThat(recap.end()).isEqualTo(PlayRecap.End.FAILED);
    assertThat(f.events.result("breaks").msg()).isEqualTo("broken on purpose");
    assertThat(f.events.names()).doesNotContain("after", "h");
  }

  @Test
  void run_forceHandlers_runsNotifiedHandlersAfterFailure() throws Exception {
    f.file("site.yml", """
        - hosts: all
          gather_facts: false
          force_handlers: true
          tasks:
            - name: notifier
              copy: {content: x, dest: "@OUT@/n"}
              notify: h
            - name: breaks
              fail: {}
          handlers:
            - name: h
              copy: {content: x, dest: "@OUT@/handler"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("handler")).isTrue();
    assertThat(recap.end()).isEqualTo(PlayRecap.End.FAILED);
    assertThat(f.events.result("breaks").msg()).isEqualTo("Failed as requested from task");
  }

  @Test
  void run_handlerNotifiedTwice_runsOnceAtEnd() throws Exception {
    f.play("""
          tasks:
            - name: one
              copy: {content: "1", dest: "@OUT@/one"}
              notify: restart
            - name: two
              copy: {content: "2", dest: "@OUT@/two"}
              notify: restart
            - name: last task
              copy: {content: "3", dest: "@OUT@/three"}
          handlers:
            - name: restart
              shell: echo run >> @OUT@/restarts
        """);
    f.run();
    assertThat(f.read("restarts")).isEqualTo("run\n");
    assertThat(f.events.names()).containsSubsequence("one", "two", "last task", "restart");
    TaskResult handler = f.events.result("restart");
    assertThat(handler.task().handler()).isTrue();
  }

  @Test
  void run_unchangedTask_doesNotNotify() throws Exception {
    f.play("""
          tasks:
            - name: write
              copy: {content: same, dest: "@OUT@/f"}
              notify: h
          handlers:
            - name: h
              shell: echo run >> @OUT@/handled
        """);
    f.run();
    assertThat(f.read("handled")).isEqualTo("run\n");
    java.nio.file.Files.delete(f.out.resolve("handled"));
    f.run();
    assertThat(f.events.result("write").status()).isEqualTo(TaskStatus.OK);
    assertThat(f.exists("handled")).isFalse();
  }

  @Test
  void run_handlersRunInDefinitionOrder_byNameOrListenTopic() throws Exception {
    f.play("""
          tasks:
            - name: change
              copy: {content: x, dest: "@OUT@/f"}
              notify: [second, web changed]
          handlers:
            - name: first
              shell: echo first >> @OUT@/order
              listen: web changed
            - name: second
              shell: echo second >> @OUT@/order
            - name: third
              shell: echo third >> @OUT@/order
        """);
    f.run();
    assertThat(f.read("order")).isEqualTo("first\nsecond\n");
  }

  @Test
  void run_flushHandlers_runsThemMidPlay() throws Exception {
    f.play("""
          tasks:
            - name: change
              copy: {content: x, dest: "@OUT@/f"}
              notify: h
            - meta: flush_handlers
            - name: after flush
              shell: test -f @OUT@/handled && echo seen > @OUT@/after
          handlers:
            - name: h
              copy: {content: x, dest: "@OUT@/handled"}
        """);
    f.run();
    assertThat(f.read("after")).isEqualTo("seen\n");
    assertThat(f.events.names()).containsSubsequence("h", "after flush");
  }

  @Test
  void run_preTasksHandlers_flushBeforeTasks() throws Exception {
    f.play("""
          pre_tasks:
            - name: pre
              copy: {content: x, dest: "@OUT@/f"}
              notify: h
          tasks:
            - name: main
              copy: {content: x, dest: "@OUT@/g"}
          handlers:
            - name: h
              copy: {content: x, dest: "@OUT@/handled"}
        """);
    f.run();
    assertThat(f.events.names()).containsExactly("pre", "h", "main");
  }

  @Test
  void run_failedWhen_marksFailure() throws Exception {
    f.play("""
          tasks:
            - name: check output
              shell: echo ERROR happened
              register: out
              failed_when: "'ERROR' in out.stdout"
            - name: after
              copy: {content: x, dest: "@OUT@/after"}
        """);
    PlayRecap recap = f.run();
    TaskResult r = f.events.result("check output");
    assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(r.result()).containsEntry("failed_when_result", true).containsEntry("rc", 0);
    assertThat(f.exists("after")).isFalse();
    assertThat(recap.failed()).isEqualTo(1);
  }

  @Test
  void run_failedWhenFalse_acceptsNonZeroRc_andChangedWhenFalseReportsOk() throws Exception {
    f.play("""
          tasks:
            - name: grep
              shell: exit 1
              register: g
              failed_when: g.rc > 1
              changed_when: false
            - name: after
              copy: {content: "{{ g.rc }} {{ 'changed' if g.changed else 'unchanged' }}", dest: "@OUT@/after"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.events.result("grep").status()).isEqualTo(TaskStatus.OK);
    assertThat(f.read("after")).isEqualTo("1 unchanged");
    assertThat(recap.failed()).isZero();
  }

  @Test
  void run_ignoreErrors_continuesAndCountsIgnored() throws Exception {
    f.play("""
          tasks:
            - name: breaks
              shell: exit 2
              ignore_errors: true
              register: r
            - name: after
              copy: {content: "{{ 'failed' if r.failed else 'ok' }} {{ r.rc }}", dest: "@OUT@/after"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("after")).isEqualTo("failed 2");
    assertThat(f.events.result("breaks").ignored()).isTrue();
    assertThat(recap.ignored()).isEqualTo(1);
    assertThat(recap.failed()).isZero();
    assertThat(recap.end()).isEqualTo(PlayRecap.End.COMPLETED);
  }

  @Test
  void run_untilRetries_repeatsUntilConditionHolds() throws Exception {
    f.play("""
          tasks:
            - name: poll
              shell: echo x >> @OUT@/tries; wc -l < @OUT@/tries
              register: tries
              until: tries.stdout | int >= 3
              retries: 5
              delay: 0
        """);
    f.run();
    TaskResult r = f.events.result("poll");
    assertThat(r.status()).isEqualTo(TaskStatus.CHANGED);
    assertThat(r.result()).containsEntry("attempts", 3);
    assertThat(f.read("tries").lines()).hasSize(3);
  }

  @Test
  void run_untilNeverHolds_failsAfterRetriesPlusOne() throws Exception {
    f.play("""
          tasks:
            - name: poll
              shell: echo x >> @OUT@/tries
              register: r
              until: false
              retries: 2
              delay: 0
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("tries").lines()).hasSize(3);
    assertThat(recap.end()).isEqualTo(PlayRecap.End.FAILED);
  }

  @Test
  void run_setFactThenWhen_usesFact() throws Exception {
    f.hostVars.put("base", 40);
    f.play("""
          tasks:
            - set_fact:
                answer: "{{ base + 2 }}"
                flag: true
            - name: uses fact
              copy: {content: "{{ answer }}", dest: "@OUT@/answer"}
              when: flag and answer | int == 42
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("answer")).isEqualTo("42");
    assertThat(recap.facts()).containsEntry("flag", true);
    assertThat(((Number) recap.facts().get("answer")).intValue()).isEqualTo(42);
  }

  @Test
  void run_setFactKeyValue_setsEachKey_andTakesYesNoAsBooleans() throws Exception {
    f.hostVars.put("base", 40);
    f.play("""
          tasks:
            - set_fact: one="{{ base }}" two=plain flag=yes
            - name: see
              copy: {content: "{{ one }} {{ two }} {{ flag }}", dest: "@OUT@/see"}
              when: flag
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("see")).isEqualTo("40 plain True");
    assertThat(recap.facts()).containsEntry("two", "plain").containsEntry("flag", true)
        .doesNotContainKey("_raw_params");
  }

  @Test
  void run_setFactTemplatedFreeForm_templatesTheKey_asAnsible() throws Exception {
    f.hostVars.put("k", "picked");
    f.hostVars.put("v", "a value");
    f.play("""
          tasks:
            - set_fact: "{{ k }}={{ v }} {{ k }}_too=x"
            - name: see
              copy: {content: "{{ picked }}/{{ picked_too }}", dest: "@OUT@/see"}
        """);
    f.run();
    assertThat(f.read("see")).isEqualTo("a value/x");
  }

  @Test
  void run_setFact_winsOverTaskVars_extraVarsWinOverSetFact() throws Exception {
    f.options = new PlanOptions(List.of(), List.of(), false, false, Map.of("forced", "extra"));
    f.play("""
          tasks:
            - set_fact: {x: fact, forced: fact}
            - name: see
              copy: {content: "{{ x }} {{ forced }}", dest: "@OUT@/see"}
              vars: {x: taskvar}
        """);
    f.run();
    assertThat(f.read("see")).isEqualTo("fact extra");
  }

  @Test
  void run_checkModeTask_forcesAndUnforcesCheck() throws Exception {
    f.options = new PlanOptions(List.of(), List.of(), true, false, Map.of());
    f.play("""
          tasks:
            - name: checked
              copy: {content: x, dest: "@OUT@/checked"}
            - name: always applied
              copy: {content: x, dest: "@OUT@/applied"}
              check_mode: false
            - name: mode
              copy: {content: "{{ 'check' if ansible_check_mode else 'apply' }}", dest: "@OUT@/mode"}
              check_mode: false
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("checked")).isFalse();
    assertThat(f.events.result("checked").status()).isEqualTo(TaskStatus.CHANGED);
    assertThat(f.exists("applied")).isTrue();
    assertThat(f.read("mode")).isEqualTo("apply");
    assertThat(f.modules.calls("copy").get(0).context().checkMode()).isTrue();
    assertThat(recap.changed()).isEqualTo(3);
  }

  @Test
  void run_checkModeTrueOnTask_withoutCheckFlag_changesNothing() throws Exception {
    f.play("""
          tasks:
            - name: dry
              copy: {content: x, dest: "@OUT@/dry"}
              check_mode: true
        """);
    f.run();
    assertThat(f.exists("dry")).isFalse();
    assertThat(f.events.result("dry").changed()).isTrue();
  }

  @Test
  void run_diffMode_reportsDiffs_perTaskOverride() throws Exception {
    f.options = new PlanOptions(List.of(), List.of(), false, true, Map.of());
    f.play("""
          tasks:
            - name: with diff
              copy: {content: new, dest: "@OUT@/a"}
            - name: without diff
              copy: {content: new, dest: "@OUT@/b"}
              diff: false
        """);
    f.run();
    assertThat(f.events.result("with diff").diffs()).containsExactly(Map.of("before", "", "after", "new"));
    assertThat(f.events.result("without diff").diffs()).isEmpty();
    assertThat(f.modules.calls("copy").get(1).context().diff()).isFalse();
  }

  @Test
  void run_blockVarsBelowTaskVars_andVarsFollowTemplates() throws Exception {
    f.hostVars.put("greeting", "hello {{ who }}");
    f.hostVars.put("who", "host");
    f.play("""
          tasks:
            - block:
                - name: inner
                  copy: {content: "{{ a }} {{ b }} {{ greeting }}", dest: "@OUT@/v"}
                  vars: {b: task}
              vars: {a: block, b: block, who: block}
        """);
    f.run();
    assertThat(f.read("v")).isEqualTo("block task hello block");
  }

  @Test
  void run_environment_reachesTheModule() throws Exception {
    f.play("""
          tasks:
            - name: env
              shell: echo "$GREETING" > @OUT@/env
              environment:
                GREETING: "hi {{ inventory_hostname }}"
        """);
    f.run();
    assertThat(f.read("env")).isEqualTo("hi web1\n");
  }

  @Test
  void run_omit_dropsTheArgument() throws Exception {
    f.play("""
          tasks:
            - name: touch
              file:
                path: "@OUT@/t"
                state: touch
                mode: "{{ wanted_mode | default(omit) }}"
        """);
    f.run();
    assertThat(f.exists("t")).isTrue();
    assertThat(f.modules.calls("file").get(0).args()).doesNotContainKey("mode").containsEntry("state", "touch");
  }

  @Test
  void run_unsafeValue_reachesModuleUntemplated() throws Exception {
    f.play("""
          vars:
            raw: !unsafe "{{ not a template }}"
          tasks:
            - name: literal
              copy: {content: !unsafe "{{ literally }}", dest: "@OUT@/lit"}
        """);
    f.run();
    assertThat(f.read("lit")).isEqualTo("{{ literally }}");
    assertThat(f.modules.calls("copy").get(0).args().get("content")).isInstanceOf(String.class);
  }

  @Test
  void run_templateError_failsTaskNamingItsLocation() throws Exception {
    f.play("""
          tasks:
            - name: broken
              copy: {content: "{{ nope.missing }}", dest: "@OUT@/x"}
        """);
    PlayRecap recap = f.run();
    TaskResult r = f.events.result("broken");
    assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(r.msg()).startsWith("site.yml:4:").contains("task 'broken'").contains("nope");
    assertThat(recap.failed()).isEqualTo(1);
  }

  @Test
  void run_noLog_censorsEventsButRegisters() throws Exception {
    f.play("""
          tasks:
            - name: secret
              shell: echo s3cret
              register: s
              no_log: true
            - name: use
              copy: {content: "{{ s.stdout }}", dest: "@OUT@/s"}
        """);
    f.run();
    TaskResult r = f.events.result("secret");
    assertThat(r.result()).containsKey("censored").doesNotContainKey("stdout");
    assertThat(r.result().toString()).doesNotContain("s3cret");
    assertThat(f.read("s")).isEqualTo("s3cret");
  }

  @Test
  void run_debugAndAssert_workOnVariables() throws Exception {
    f.hostVars.put("port", 8080);
    f.play("""
          tasks:
            - name: show
              debug: {var: port}
            - name: say
              debug: {msg: "port is {{ port }}"}
            - name: holds
              assert: {that: [port > 1024, "port is number"], success_msg: fine}
            - name: breaks
              assert: {that: port < 1024, fail_msg: "port {{ port }} is not privileged"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.events.result("show").result()).containsEntry("port", 8080);
    assertThat(f.events.result("say").msg()).isEqualTo("port is 8080");
    assertThat(f.events.result("holds").msg()).isEqualTo("fine");
    TaskResult broken = f.events.result("breaks");
    assertThat(broken.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(broken.result()).containsEntry("msg", "port 8080 is not privileged")
        .containsEntry("assertion", "port < 1024");
    assertThat(recap.failed()).isEqualTo(1);
  }

  @Test
  void run_metaEndHost_stopsWithoutFailure() throws Exception {
    f.play("""
          tasks:
            - name: before
              copy: {content: x, dest: "@OUT@/before"}
              notify: h
            - meta: end_host
              when: inventory_hostname == 'web1'
            - name: after
              copy: {content: x, dest: "@OUT@/after"}
          handlers:
            - name: h
              copy: {content: x, dest: "@OUT@/handler"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.exists("before")).isTrue();
    assertThat(f.exists("after")).isFalse();
    assertThat(recap.end()).isEqualTo(PlayRecap.End.END_HOST);
    assertThat(recap.failed()).isZero();
  }

  @Test
  void run_includeTasksWithLoop_runsFileForEachItem() throws Exception {
    f.file("site.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - include_tasks: each.yml
              loop: [x, y]
              loop_control: {loop_var: name}
              vars: {suffix: "-inc"}
        """);
    f.file("each.yml", """
        - name: write {{ name }}
          copy: {content: "{{ name }}{{ suffix }}", dest: "@OUT@/{{ name }}"}
        """);
    f.run();
    assertThat(f.read("x")).isEqualTo("x-inc");
    assertThat(f.read("y")).isEqualTo("y-inc");
  }

  @Test
  void run_includeTasksAndIncludeRoleWithApply_applyTheKeywordsToEveryIncludedTask() throws Exception {
    f.file("site.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - include_tasks:
                file: inc.yml
                apply:
                  ignore_errors: true
                  vars: {suffix: "-applied"}
            - include_role:
                name: r
                apply:
                  when: false
        """);
    f.file("inc.yml", """
        - name: fails, ignored by apply
          command: /bin/false
        - name: still runs
          copy: {content: "ran{{ suffix }}", dest: "@OUT@/after"}
        """);
    f.file("roles/r/tasks/main.yml", """
        - name: skipped by apply
          copy: {content: "ran", dest: "@OUT@/role"}
        """);
    PlayRecap recap = f.run();
    assertThat(recap.failed()).isZero();
    assertThat(recap.ignored()).isEqualTo(1);
    assertThat(f.read("after")).isEqualTo("ran-applied");
    assertThat(recap.skipped()).isEqualTo(1);
    assertThat(f.exists("role")).isFalse();
  }

  @Test
  void run_gatherFacts_makesFactsAvailable() throws Exception {
    f.file("site.yml", """
        - hosts: all
          tasks:
            - name: facts
              copy: {content: "{{ ansible_hostname }} {{ ansible_facts.os_family }}", dest: "@OUT@/facts"}
        """);
    PlayRecap recap = f.run();
    assertThat(f.read("facts")).isEqualTo("testhost Debian");
    assertThat(f.events.names().get(0)).isEqualTo("Gathering Facts");
    assertThat(recap.ansibleFacts()).containsEntry("hostname", "testhost");
  }

  @Test
  void run_copyFromBundle_shipsTheFileAndPointsSrcAtIt() throws Exception {
    f.file("files/motd", "welcome\n");
    f.play("""
          tasks:
            - name: motd
              copy: {src: motd, dest: "@OUT@/motd"}
        """);
    f.run();
    assertThat(f.read("motd")).isEqualTo("welcome\n");
    assertThat(f.modules.calls("copy").get(0).args().get("src"))
        .isEqualTo(f.bundle.toAbsolutePath().resolve("files/motd").toString());
  }
}
