package io.homefleet.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStatusTest {
  @Test
  void json_escapesWhatJsonRequires_andParsesBack() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("message", "say \"hi\"\\ \n\t\u0001 é");
    m.put("pid", 42L);
    m.put("none", null);
    Map<?, ?> back = new ObjectMapper().readValue(AgentStatus.json(m), Map.class);
    assertThat(back.get("message")).isEqualTo(m.get("message"));
    assertThat(back.get("pid")).isEqualTo(42);
    assertThat(back.containsKey("none")).isTrue();
  }

  @Test
  void set_writesStatusFileTheStatusCommandReads(@TempDir Path dir) throws Exception {
    new AgentStatus(dir).set(AgentStatus.State.CONNECTED, "web-1", "ctl:7443", "");
    Map<?, ?> s = new ObjectMapper().readValue(Files.readString(AgentStatus.file(dir)), Map.class);
    assertThat(s.get("state")).isEqualTo("connected");
    assertThat(s.get("host")).isEqualTo("web-1");
  }

  @Test
  void set_writesTheStatusFile0600_evenOverAnOlder0644One(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(AgentStatus.file(dir), "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    new AgentStatus(dir).set(AgentStatus.State.CONNECTING, "web-1", "ctl:7443", "");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }
}
