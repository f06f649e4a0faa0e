package io.homefleet.agent.session;

import com.google.protobuf.ByteString;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.proto.Structs;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.OutputChunk;
import io.homefleet.proto.v1.TaskEvent;
import io.homefleet.proto.v1.TaskResult;
import io.homefleet.proto.v1.TaskStarted;
import io.homefleet.proto.v1.TaskStatus;

/** An ad-hoc task's events as the session's messages. */
final class TaskMessages {
  private TaskMessages() {
  }

  static AgentMessage started(Task task, long unixMillis) {
    return message(event(task).setStarted(TaskStarted.newBuilder().setUnixMillis(unixMillis)));
  }

  static AgentMessage output(Task task, boolean stderr, byte[] data, long seq) {
    return message(event(task).setOutput(OutputChunk.newBuilder()
        .setStream(stderr ? OutputChunk.Stream.STDERR : OutputChunk.Stream.STDOUT)
        .setData(ByteString.copyFrom(data)).setSeq(seq)));
  }

  static AgentMessage result(Task task, Outcome o, long startedMillis, long finishedMillis) {
    return message(event(task).setResult(TaskResult.newBuilder().setStatus(status(o.status())).setRc(o.rc())
        .setStdout(o.stdout()).setStderr(o.stderr()).setMsg(o.msg()).setStartedUnixMillis(startedMillis)
        .setFinishedUnixMillis(finishedMillis).setData(Structs.toStruct(o.data()))
        .setStdoutTruncated(o.stdoutTruncated()).setStderrTruncated(o.stderrTruncated())));
  }

  static TaskStatus status(Outcome.Status s) {
    return switch (s) {
      case OK -> TaskStatus.OK;
      case CHANGED -> TaskStatus.CHANGED;
      case FAILED -> TaskStatus.FAILED;
      case SKIPPED -> TaskStatus.SKIPPED;
      case TIMED_OUT -> TaskStatus.TIMED_OUT;
      case CANCELLED -> TaskStatus.CANCELLED;
    };
  }

  private static AgentMessage message(TaskEvent.Builder event) {
    return AgentMessage.newBuilder().setTaskEvent(event).build();
  }

  private static TaskEvent.Builder event(Task task) {
    return TaskEvent.newBuilder().setTaskId(task.id()).setRunId(task.runId());
  }
}
