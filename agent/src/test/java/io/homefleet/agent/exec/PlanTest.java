package io.homefleet.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {
  private final List<String> applied = new ArrayList<>();

  private Plan drift(String what) {
    return new Plan.Drift(new Diff("old " + what, "new " + what, what, what), Map.of(what, "planned"), () -> {
      applied.add(what);
      return Map.of(what, "applied");
    });
  }

  /** A module whose plan is given, to drive Plan.execute through StateModule.run. */
  private static StateModule module(Plan plan) {
    return new StateModule() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public Plan plan(Map<String, Object> args, TaskContext ctx) {
        return plan;
      }
    };
  }

  @Test
  void checkMode_reportsTheDriftWithoutApplying() throws Exception {
    Outcome o = Run.of(module(drift("content")), Map.of()).check().diff().go();
    assertThat(applied).isEmpty();
    assertThat(o.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(o.data()).containsEntry("content", "planned").containsEntry("changed", true)
        .containsEntry("diff", Map.of("before", "old content", "after", "new content", "before_header", "content",
            "after_header", "content"));
  }

  @Test
  void run_appliesInOrder_andLearntValuesWin_diffOnlyWhenAsked() throws Exception {
    Plan all = Plan.all(Map.of("path", "/x"), List.of(drift("content"), Plan.inSync(Map.of("mode", "0644")),
        drift("owner")));
    Outcome o = Run.of(module(all), Map.of()).go();
    assertThat(applied).containsExactly("content", "owner");
    assertThat(o.data()).containsEntry("content", "applied").containsEntry("mode", "0644").containsEntry("path", "/x")
        .doesNotContainKey("diff");
  }

  @Test
  void allInSync_isOk_unchanged() throws Exception {
    Outcome o = Run.of(module(Plan.all(Map.of(), List.of(Plan.inSync(Map.of("a", 1))))), Map.of()).diff().go();
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(o.data()).containsEntry("changed", false).containsEntry("a", 1);
  }

  @Test
  void severalDrifts_giveAListOfDiffs() throws Exception {
    Outcome o = Run.of(module(Plan.all(Map.of(), List.of(drift("a"), drift("b")))), Map.of()).check().diff().go();
    assertThat(o.data().get("diff")).asList().hasSize(2);
  }

  @Test
  void args_aliasesMapToTheName_booleansAndListsReadAsAnsibleDoes() throws Exception {
    Args a = Args.of("file", Map.of("dest", "/tmp/x", "recurse", "yes", "force", "off"));
    assertThat(a.required("path")).isEqualTo("/tmp/x");
    assertThat(a.bool("recurse", false)).isTrue();
    assertThat(a.bool("force", true)).isFalse();
    Args apt = Args.of("apt", Map.of("name", "curl, git", "cache_valid_time", 3600.0));
    assertThat(apt.list("name")).containsExactly("curl", "git");
    assertThat(apt.integer("cache_valid_time")).hasValue(3600L);
  }

  @Test
  void registered_addsAnsiblesCommandKeys_andFlags() {
    Outcome o = new Outcome(Outcome.Status.FAILED, 2, "a\nb\n", "", "non-zero return code", Map.of("cmd", List.of("x")),
        false, false);
    assertThat(o.registered()).containsEntry("rc", 2).containsEntry("failed", true).containsEntry("changed", false)
        .containsEntry("stdout_lines", List.of("a", "b")).containsEntry("msg", "non-zero return code");
    Outcome ok = Outcome.result(false, "", Map.of("path", "/x"));
    assertThat(ok.registered()).containsEntry("path", "/x").containsEntry("failed", false).doesNotContainKey("rc");
  }
}
