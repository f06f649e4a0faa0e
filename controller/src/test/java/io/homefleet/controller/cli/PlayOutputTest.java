package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.homefleet.proto.v1.PlanTaskRef;
import io.homefleet.proto.v1.PlayHostEvent;
import io.homefleet.proto.v1.PlayRecap;
import io.homefleet.proto.v1.PlayRunEvent;
import io.homefleet.proto.v1.PlayStarted;
import io.homefleet.proto.v1.PlayTaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlayOutputTest {
  private static PlayRunEvent task(int id, String name, TaskStatus status, boolean ignored, String result) {
    return PlayRunEvent.newBuilder().setRunId("r1").setHost(PlayHostEvent.newBuilder().setHost("h1").setPlayIndex(0)
        .setTask(PlayTaskResult.newBuilder().setTask(PlanTaskRef.newBuilder().setId(id).setPath("tasks/" + id)
            .setName(name)).setStatus(status).setIgnored(ignored)
            .setResultJson(ByteString.copyFrom(result, StandardCharsets.UTF_8)))).build();
  }

  @Test
  void json_printsOneDocumentAndNoTaskHeaders() throws Exception {
    StringWriter sw = new StringWriter();
    PlayOutput out = new PlayOutput(new PrintWriter(sw), true, false);
    out.accept(PlayRunEvent.newBuilder().setRunId("r1").setPlay(PlayStarted.newBuilder().setPlayIndex(0)
        .setName("p").addHosts("h1")).build());
    out.accept(task(0, "one", TaskStatus.OK, false, "{\"changed\":false}"));
    out.accept(task(1, "two", TaskStatus.FAILED, true, "{\"msg\":\"boom\",\"failed\":true}"));
    out.finish();
    String text = sw.toString();
    assertThat(text).doesNotContain("TASK [").doesNotContain("...ignoring");
    JsonNode doc = new ObjectMapper().readTree(text);
    JsonNode tasks = doc.path("plays").path(0).path("tasks");
    assertThat(tasks).hasSize(2);
    assertThat(tasks.path(1).path("hosts").path("h1").path("status").asText()).isEqualTo("failed");
    assertThat(tasks.path(1).path("hosts").path("h1").path("ignored").asBoolean()).isTrue();
    assertThat(tasks.path(1).path("hosts").path("h1").path("msg").asText()).isEqualTo("boom");
  }

  @Test
  void text_printsDebugMessagesAndFailures_notOtherResults() {
    StringWriter sw = new StringWriter();
    PlayOutput out = new PlayOutput(new PrintWriter(sw), false, false);
    out.accept(task(0, "file", TaskStatus.CHANGED, false, "{\"changed\":true,\"path\":\"/srv/x\"}"));
    out.accept(task(1, "say", TaskStatus.OK, false, "{\"msg\":\"hello\",\"changed\":false}"));
    out.accept(task(2, "boom", TaskStatus.FAILED, false, "{\"msg\":\"it broke\",\"failed\":true,\"rc\":1}"));
    assertThat(sw.toString())
        .contains("changed: [h1]\n")
        .contains("ok: [h1] => {\n  \"msg\" : \"hello\"\n}")
        .contains("fatal: [h1]: FAILED! => {\"msg\":\"it broke\",\"failed\":true,\"rc\":1}")
        .doesNotContain("/srv/x");
  }

  @Test
  void recapLine_isAnsiblesColumnsAsStringFormatHadThem() {
    int[][] counts = {{0, 0, 0, 0, 0, 0, 0}, {19, 0, 0, 0, 1, 0, 0}, {12345, 7, 1, 2, 99999, 3, 1000}, {-1, 4, 0, 0, 0, 0, 0}};
    for (String host : new String[] {"host-1", "", "a-host-name-of-exactly-26c", "a-much-longer-host-name-than-26-columns.lab"}) {
      for (int[] c : counts) {
        PlayRecap r = PlayRecap.newBuilder().setOk(c[0]).setChanged(c[1]).setUnreachable(c[2]).setFailed(c[3])
            .setSkipped(c[4]).setRescued(c[5]).setIgnored(c[6]).build();
        assertThat(PlayOutput.recapLine(host, r)).isEqualTo(String.format(Locale.ROOT,
            "%-26s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%-4d",
            host, c[0], c[1], c[2], c[3], c[4], c[5], c[6]).stripTrailing());
      }
    }
  }
}
