package io.homefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.config.AgentConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentMainTest {
  @Test
  void plainRun_acceptsOnlyTheServiceForms() {
    assertThat(AgentMain.plainRun(new String[] {"run"})).isEqualTo(AgentConfig.DEFAULT_FILE);
    assertThat(AgentMain.plainRun(new String[] {"run", "-c", "a.yaml"})).isEqualTo(Path.of("a.yaml"));
    assertThat(AgentMain.plainRun(new String[] {"run", "--config", "a.yaml"})).isEqualTo(Path.of("a.yaml"));
    assertThat(AgentMain.plainRun(new String[] {"run", "--config=a.yaml"})).isEqualTo(Path.of("a.yaml"));
    // Everything else is picocli's: help, typos, other commands.
    assertThat(AgentMain.plainRun(new String[] {"run", "--help"})).isNull();
    assertThat(AgentMain.plainRun(new String[] {"run", "--confg", "a.yaml"})).isNull();
    assertThat(AgentMain.plainRun(new String[] {"run", "-c", "--help"})).isNull();
    assertThat(AgentMain.plainRun(new String[] {"status"})).isNull();
    assertThat(AgentMain.plainRun(new String[] {})).isNull();
  }
}
