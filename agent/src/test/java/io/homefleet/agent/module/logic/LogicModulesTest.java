package io.homefleet.agent.module.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogicModulesTest {
  private static final Map<String, Object> VARS = Map.of("port", 22, "users", List.of("a", "b"),
      "ansible_distribution", "Debian");

  @Test
  void debug_var_evaluatesTheExpressionUnderItsName() throws Exception {
    Outcome o = Run.of(new DebugModule(), Map.of("var", "users | length")).vars(VARS).go();
    assertThat(((Number) o.data().get("users | length")).intValue()).isEqualTo(2);
    assertThat(o.data()).containsEntry("changed", false);
    Outcome undefined = Run.of(new DebugModule(), Map.of("var", "nope")).vars(VARS).go();
    assertThat(undefined.data()).containsEntry("nope", "VARIABLE IS NOT DEFINED!");
  }

  @Test
  void debug_msgDefault_andVerbosityThreshold() throws Exception {
    assertThat(Run.of(new DebugModule(), Map.of()).go().data()).containsEntry("msg", "Hello world!");
    assertThat(Run.of(new DebugModule(), Map.of("msg", "x", "verbosity", 2)).go().status())
        .isEqualTo(Outcome.Status.SKIPPED);
  }

  @Test
  void assert_allTrue_passes_firstFalse_failsNamingIt() throws Exception {
    Outcome ok = Run.of(new AssertModule(), Map.of("that", List.of("port == 22", "'a' in users"))).vars(VARS).go();
    assertThat(ok.status()).isEqualTo(Outcome.Status.OK);
    assertThat(ok.data()).containsEntry("msg", "All assertions passed");
    Outcome bad = Run.of(new AssertModule(), Map.of("that", List.of("port == 22", "ansible_distribution == 'Ubuntu'"),
        "fail_msg", "not Ubuntu")).vars(VARS).go();
    assertThat(bad.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(bad.data()).containsEntry("assertion", "ansible_distribution == 'Ubuntu'")
        .containsEntry("evaluated_to", false).containsEntry("msg", "not Ubuntu");
  }

  @Test
  void assert_thatAsAString_andMsgAlias() throws Exception {
    Outcome bad = Run.of(new AssertModule(), Map.of("that", "port > 1000", "msg", "low port")).vars(VARS).go();
    assertThat(bad.msg()).isEqualTo("low port");
  }

  @Test
  void assert_undefinedVariable_failsTheTask() throws Exception {
    // As in Ansible: an undefined variable is an error in the condition, not a false assertion.
    assertThatThrownBy(() -> Run.of(new AssertModule(), Map.of("that", List.of("undefined_thing > 1"))).vars(VARS).go())
        .isInstanceOf(TaskException.class)
        .hasMessageContaining("The conditional check 'undefined_thing > 1' failed")
        .hasMessageContaining("'undefined_thing' is undefined");
  }

  @Test
  void setFact_returnsAnsibleFacts_freeFormToo() throws Exception {
    Outcome o = Run.of(new SetFactModule(), Map.of("answer", 42, "cacheable", true)).go();
    assertThat(o.data()).containsEntry("ansible_facts", Map.of("answer", 42))
        .containsEntry("_ansible_facts_cacheable", true);
    Outcome free = Run.of(new SetFactModule(), Map.of("_raw_params", "a=1 b='two words' c=yes")).go();
    assertThat(free.data().get("ansible_facts")).isEqualTo(Map.of("a", "1", "b", "two words", "c", true));
    assertThatThrownBy(() -> Run.of(new SetFactModule(), Map.of("bad-name", 1)).go()).hasMessageContaining("not valid");
  }

  @Test
  void fail_failsWithItsMessage() throws Exception {
    assertThat(Run.of(new FailModule(), Map.of()).go().msg()).isEqualTo("Failed as requested from task");
    assertThat(Run.of(new FailModule(), Map.of("msg", "stop")).go().status()).isEqualTo(Outcome.Status.FAILED);
  }

  // Ad-hoc runs now go through the plays' implementation (LogicActions), so they agree with plays
  // and with ansible-core 2.14 (LogicActionsAnsibleTest runs the same cases beside ansible-playbook).

  @Test
  void debug_msgAndVar_isAnsiblesError() {
    assertThatThrownBy(() -> Run.of(new DebugModule(), Map.of("msg", "x", "var", "port")).vars(VARS).go())
        .isInstanceOf(TaskException.class).hasMessageContaining("'msg' and 'var' are incompatible options");
  }

  @Test
  void assert_quiet_keepsTheResultsMsg() throws Exception {
    Outcome o = Run.of(new AssertModule(), Map.of("that", "port == 22", "quiet", true)).vars(VARS).go();
    assertThat(o.data()).containsEntry("msg", "All assertions passed");
  }

  @Test
  void setFact_yesNoWordsAreBooleans_inTheMappingFormToo() throws Exception {
    Outcome o = Run.of(new SetFactModule(), Map.of("a", "yes", "b", "No", "c", "text")).go();
    assertThat(o.data().get("ansible_facts")).isEqualTo(Map.of("a", true, "b", false, "c", "text"));
  }
}
