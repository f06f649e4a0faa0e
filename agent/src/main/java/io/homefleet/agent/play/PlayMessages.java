package io.homefleet.agent.play;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import io.homefleet.playbook.model.JsonValues;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.proto.v1.PlanTaskRef;
import io.homefleet.proto.v1.PlayTaskResult;
import io.homefleet.proto.v1.TaskStatus;
import java.util.List;
import java.util.Map;

/** Plan events (plain records) to their protobuf messages; results travel as JSON. */
final class PlayMessages {
  private static final JsonFactory STREAMING = new JsonFactory();

  private PlayMessages() {}

  static PlanTaskRef ref(TaskRef t) {
    return PlanTaskRef.newBuilder().setId(t.id()).setPath(t.path()).setName(t.name()).setLocation(t.location())
        .setHandler(t.handler()).build();
  }

  static PlayTaskResult task(TaskResult r) {
    return PlayTaskResult.newBuilder().setTask(ref(r.task())).setStatus(status(r.status())).setIgnored(r.ignored())
        .setResultJson(json(r.result())).setDiffsJson(r.diffs().isEmpty() ? ByteString.EMPTY : json(r.diffs()))
        .setItemIndex(-1).build();
  }

  static PlayTaskResult item(ItemResult r) {
    return PlayTaskResult.newBuilder().setTask(ref(r.task())).setStatus(status(r.status()))
        .setResultJson(json(r.result())).setItemIndex(r.index()).setItemLabel(r.label()).build();
  }

  static io.homefleet.proto.v1.PlayRecap recap(PlayRecap r) {
    return io.homefleet.proto.v1.PlayRecap.newBuilder().setOk(r.ok()).setChanged(r.changed())
        .setUnreachable(r.unreachable()).setFailed(r.failed()).setSkipped(r.skipped()).setRescued(r.rescued())
        .setIgnored(r.ignored()).setEnd(r.end().name()).setFactsJson(json(r.facts()))
        .setAnsibleFactsJson(json(r.ansibleFacts())).build();
  }

  private static TaskStatus status(io.homefleet.playbook.plan.TaskStatus s) {
    return switch (s) {
      case OK -> TaskStatus.OK;
      case CHANGED -> TaskStatus.CHANGED;
      case FAILED -> TaskStatus.FAILED;
      case SKIPPED -> TaskStatus.SKIPPED;
    };
  }

  /** A status the controller sent back (a delegated task's, a run_once task's). */
  static io.homefleet.playbook.plan.TaskStatus status(TaskStatus s) {
    return switch (s) {
      case OK -> io.homefleet.playbook.plan.TaskStatus.OK;
      case CHANGED -> io.homefleet.playbook.plan.TaskStatus.CHANGED;
      case SKIPPED -> io.homefleet.playbook.plan.TaskStatus.SKIPPED;
      default -> io.homefleet.playbook.plan.TaskStatus.FAILED;
    };
  }

  /** A JSON object the controller sent back; empty bytes are an empty map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(ByteString json) {
    if (json.isEmpty()) {
      return Map.of();
    }
    try (com.fasterxml.jackson.core.JsonParser p = STREAMING.createParser(json.toByteArray())) {
      p.nextToken();
      Object v = JsonValues.read(p, false);
      return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of("msg", "not a result: " + v);
    } catch (IOException e) {
      return Map.of("failed", true, "msg", "unreadable result from the controller: " + e.getMessage());
    }
  }

  /** A JSON array the controller sent back (a lookup's results); empty bytes are an empty list. */
  @SuppressWarnings("unchecked")
  static List<Object> list(ByteString json) throws IOException {
    if (json.isEmpty()) {
      return List.of();
    }
    try (com.fasterxml.jackson.core.JsonParser p = STREAMING.createParser(json.toByteArray())) {
      p.nextToken();
      Object v = JsonValues.read(p, false);
      if (!(v instanceof List<?>)) {
        throw new IOException("not a list: " + v);
      }
      return (List<Object>) v;
    }
  }

  /**
   * A value as JSON; one that Jackson cannot write is written as its string form rather than lost.
   * Results are plain values (maps, lists, strings, numbers, booleans, null) almost always: those
   * are written with the streaming generator, the same bytes the data binding writes, without
   * building it (its serializers cost an agent's first play tens of milliseconds of class loading
   * and set-up). Anything else goes through the data binding.
   */
  static ByteString json(Object value) {
    if (plain(value, 0)) {
      ByteString.Output out = ByteString.newOutput(256);
      try (JsonGenerator g = STREAMING.createGenerator(out)) {
        JsonValues.write(g, value);
      } catch (IOException e) {
        throw new IllegalStateException("writing JSON to memory failed", e);
      }
      return out.toByteString();
    }
    return Bound.json(value);
  }

  /** Whether {@code value} holds only what {@link #write} writes exactly as the data binding would. */
  private static boolean plain(Object value, int depth) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
        || value instanceof Long || value instanceof Double || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return true;
    }
    if (depth > 100) {
      return false;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String) || !plain(e.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (!plain(o, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** The data binding, for results that hold other objects; built the first time one does. */
  private static final class Bound {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    static ByteString json(Object value) {
      try {
        return ByteString.copyFrom(JSON.writeValueAsBytes(value));
      } catch (Exception e) {
        try {
          return ByteString.copyFrom(JSON.writeValueAsBytes(value instanceof Map<?, ?> || value instanceof List<?>
              ? Map.of("msg", "result not representable as JSON: " + e.getMessage(), "repr", String.valueOf(value))
              : String.valueOf(value)));
        } catch (Exception again) {
          return ByteString.copyFromUtf8("{}");
        }
      }
    }
  }
}
