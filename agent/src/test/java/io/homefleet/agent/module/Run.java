package io.homefleet.agent.module;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.playbook.template.Templar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Runs one module once, the way the executor would, for tests. */
public final class Run {
  /** One engine for all tests: creating Jinjava is the slow part. */
  public static final Templar TEMPLAR = new Templar();

  private final Module module;
  private final Map<String, Object> args;
  private boolean check;
  private boolean diff;
  private Map<String, Object> vars = Map.of();
  private Map<String, String> environment = Map.of();
  private Optional<Path> bundle = Optional.empty();
  private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

  private Run(Module module, Map<String, Object> args) {
    this.module = module;
    this.args = args;
  }

  public static Run of(Module module, Map<String, Object> args) {
    return new Run(module, args);
  }

  public Run check() {
    check = true;
    return this;
  }

  public Run check(boolean on) {
    check = on;
    return this;
  }

  public Run diff() {
    diff = true;
    return this;
  }

  public Run vars(Map<String, Object> v) {
    vars = v;
    return this;
  }

  public Run environment(Map<String, String> env) {
    environment = env;
    return this;
  }

  public Run bundle(Path dir) {
    bundle = Optional.of(dir);
    return this;
  }

  public Run bundle(Optional<Path> dir) {
    bundle = dir;
    return this;
  }

  public Run workDir(Path dir) {
    workDir = dir;
    return this;
  }

  public TaskContext context() {
    Task t = new Task("t-" + System.nanoTime(), "r", module.name(), Map.of(), Duration.ofMinutes(5), check, diff, vars,
        environment);
    return new TaskContext(t, TaskSink.NONE, LoggerFactory.getLogger("test"), workDir, bundle, () -> TEMPLAR);
  }

  public Outcome go() throws TaskException, InterruptedException {
    return module.run(args, context());
  }
}
