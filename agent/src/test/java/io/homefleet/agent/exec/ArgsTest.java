package io.homefleet.agent.exec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgsTest {
  @Test
  void of_missingRequiredArguments_failsWithAnsiblesMessage_allOfThemSorted() {
    assertThatThrownBy(() -> Args.of("file", Map.of("state", "touch")))
        .isInstanceOf(TaskException.class).hasMessage("missing required arguments: path");
    assertThatThrownBy(() -> Args.of("blockinfile", Map.of()))
        .hasMessage("missing required arguments: path");
  }
}
