package io.homefleet.agent.play;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.run.PlayCalls;
import io.homefleet.playbook.template.ControllerLookup;
import io.homefleet.proto.v1.PlayCall;
import io.homefleet.proto.v1.PlayCallResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The play worker's end of the controller calls: what goes on the wire, and how the answer is read. */
class WorkerCallsTest {
  private static final PlayWork WORK = new PlayWork("a1", "r1", 0, new byte[0]);

  /** The worker's pipe as a list of the calls it carried, answered by {@code answer}. */
  private static final class Pipe implements PlaySink {
    final List<PlayCall> sent = new ArrayList<>();
    final Function<PlayCall, PlayCallResult> answer;

    Pipe(Function<PlayCall, PlayCallResult> answer) {
      this.answer = answer;
    }

    @Override
    public void taskStarted(PlayWork work, TaskRef task) {}

    @Override
    public void itemFinished(PlayWork work, ItemResult item) {}

    @Override
    public void taskFinished(PlayWork work, TaskResult result) {}

    @Override
    public void playFinished(PlayWork work, PlayRecap recap) {}

    @Override
    public void playFailed(PlayWork work, String message) {}

    @Override
    public PlayCallResult call(PlayWork work, PlayCall.Builder call) {
      PlayCall c = call.build();
      sent.add(c);
      return answer.apply(c);
    }
  }

  private static PlayCallResult json(String json, String... secrets) {
    return PlayCallResult.newBuilder().setResultJson(ByteString.copyFromUtf8(json)).addAllSecrets(List.of(secrets))
        .build();
  }

  @Test
  void lookup_sendsPluginTermsAndKeywords_andReadsTheList() throws Exception {
    Pipe pipe = new Pipe(c -> json("[\"for web1\", 2]"));
    List<Object> got = new WorkerCalls(WORK, pipe, null).lookup("file", List.of("web1.txt"), Map.of("rstrip", false),
        "roles/web");
    assertThat(got).containsExactly("for web1", 2);
    PlayCall c = pipe.sent.get(0);
    assertThat(c.getLookup().getPlugin()).isEqualTo("file");
    assertThat(c.getLookup().getTermsJson().toStringUtf8()).isEqualTo("[\"web1.txt\"]");
    assertThat(c.getLookup().getKeywordsJson().toStringUtf8()).isEqualTo("{\"rstrip\":false}");
    assertThat(c.getLookup().getRoleDir()).isEqualTo("roles/web");
  }

  @Test
  void lookup_whoseControllerFailed_isALookupFailure_forErrorsToApply() {
    Pipe pipe = new Pipe(c -> PlayCallResult.newBuilder().setError("could not locate file in lookup: x").build());
    assertThatThrownBy(() -> new WorkerCalls(WORK, pipe, null).lookup("file", List.of("x"), Map.of(), ""))
        .isInstanceOf(ControllerLookup.Failure.class).hasMessage("could not locate file in lookup: x");
  }

  @Test
  void includeVars_returnsTheResultAndItsSecrets() throws Exception {
    Pipe pipe = new Pipe(c -> json("{\"ansible_facts\": {\"token\": \"s3cr3t-x\"}}", "s3cr3t-x"));
    PlayCalls.Answer a = new WorkerCalls(WORK, pipe, null).includeVars(Map.of("file", "a.yml"), "");
    assertThat(a.result()).containsEntry("ansible_facts", Map.of("token", "s3cr3t-x"));
    assertThat(a.secrets()).containsExactly("s3cr3t-x");
    assertThat(pipe.sent.get(0).getIncludeVars().getArgsJson().toStringUtf8()).isEqualTo("{\"file\":\"a.yml\"}");
  }

  @Test
  void fetch_sendsTheBytes_andAFailedCallFailsTheTask() throws Exception {
    Pipe pipe = new Pipe(c -> c.getCallId() == 0 && c.getFetch().getFlat()
        ? PlayCallResult.newBuilder().setError("the controller has no running play").build() : json("{\"changed\": true}"));
    WorkerCalls calls = new WorkerCalls(WORK, pipe, null);
    assertThat(calls.fetch(3, "/etc/motd", "/tmp/x", false, false, "hi".getBytes(StandardCharsets.UTF_8)).result())
        .containsEntry("changed", true);
    assertThat(pipe.sent.get(0).getFetch().getContent().toStringUtf8()).isEqualTo("hi");
    assertThat(calls.fetch(3, "/etc/motd", "/tmp/x", true, false, new byte[0]).result()).containsEntry("failed", true)
        .containsEntry("msg", "the controller has no running play");
  }
}
