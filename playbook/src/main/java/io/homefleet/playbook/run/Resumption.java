package io.homefleet.playbook.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.homefleet.playbook.model.JsonValues;
import io.homefleet.playbook.plan.PlanException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * How a host's run survives the end of its process at a task that ends it on purpose
 * ({@code reboot}): just before such a task the run hands its state ({@link RunState}: the task,
 * the counters, the notified handlers, the variables it learnt) to {@link #before}, and a run
 * started again with that state goes on at the same task, as if the process had never ended.
 */
public interface Resumption {

  /** A run that starts at the beginning and keeps nothing. */
  Resumption NONE = new Resumption() {
    @Override
    public Optional<byte[]> resumeFrom() {
      return Optional.empty();
    }

    @Override
    public void before(int taskId, byte[] state) {}
  };

  /** The state a run saved before it ended, to go on from; empty for a run from the start. */
  Optional<byte[]> resumeFrom();

  /**
   * The run's state as it stands before task {@code taskId} (a {@code reboot}), which may end
   * this process; the module that ends it makes it durable first.
   */
  void before(int taskId, byte[] state);

  /**
   * A run's state at a task that may end the process: where it is and what it learnt.
   *
   * @param taskId the task the run stopped at (it runs again on resume, and knows it resumes)
   * @param handler the task is a handler, run by the flush of {@code flushAt}
   * @param handlerIndex the handler's index in the plan's handlers, -1 for a task
   * @param flushAt the {@code meta: flush_handlers} task whose flush ran the handler, -1 for the play's end
   * @param counters ok, changed, skipped, rescued, ignored so far
   * @param notified the handlers notified and not yet run
   * @param vars the variables the run learnt (RunVars' saved form)
   */
  record RunState(int taskId, boolean handler, int handlerIndex, int flushAt, Map<String, Object> counters,
      java.util.List<Object> notified, Map<String, Object> vars) {
    private static final JsonFactory JSON = new JsonFactory();

    /** The state as JSON, registered results and facts with their {@code !unsafe} marks. */
    public byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        JsonValues.write(g, Map.of("version", 1, "task", taskId, "handler", handler, "handlerIndex", handlerIndex,
            "flushAt", flushAt, "counters", counters, "notified", notified, "vars", vars));
      } catch (IOException e) {
        throw new IllegalStateException("cannot write a run state in memory", e);
      }
      return out.toByteArray();
    }

    /** The state {@link #encode} wrote; a state of another version or shape is refused. */
    @SuppressWarnings("unchecked")
    public static RunState decode(byte[] bytes) throws PlanException {
      try (JsonParser p = JSON.createParser(bytes)) {
        p.nextToken();
        if (!(JsonValues.read(p, true) instanceof Map<?, ?> m) || !Integer.valueOf(1).equals(m.get("version"))) {
          throw new PlanException("the saved run state is not version 1 of homefleet's format");
        }
        return new RunState(((Number) m.get("task")).intValue(), (Boolean) m.get("handler"),
            ((Number) m.get("handlerIndex")).intValue(), ((Number) m.get("flushAt")).intValue(),
            (Map<String, Object>) m.get("counters"), (java.util.List<Object>) m.get("notified"),
            (Map<String, Object>) m.get("vars"));
      } catch (IOException | ClassCastException | NullPointerException e) {
        throw new PlanException("the saved run state cannot be read: " + e.getMessage(), e);
      }
    }
  }
}
