package io.homefleet.agent.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.config.PrivateModes;
import io.homefleet.agent.module.Modules;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.template.Templar;
import io.homefleet.pki.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlayExecutorTest {

  /** Collects a play's events. */
  static final class Events implements PlaySink, AutoCloseable {
    @Override
    public void close() {}

    final List<TaskResult> tasks = new CopyOnWriteArrayList<>();
    final List<ItemResult> items = new CopyOnWriteArrayList<>();
    final CompletableFuture<PlayRecap> recap = new CompletableFuture<>();
    final CompletableFuture<String> failure = new CompletableFuture<>();
    /** Every play's recap, or its failure's message, in the order they end. */
    final BlockingQueue<Object> ends = new LinkedBlockingQueue<>();

    @Override
    public void taskStarted(PlayWork work, TaskRef task) {}

    @Override
    public void itemFinished(PlayWork work, ItemResult item) {
      items.add(item);
    }

    @Override
    public void taskFinished(PlayWork work, TaskResult result) {
      tasks.add(result);
    }

    @Override
    public void playFinished(PlayWork work, PlayRecap recap) {
      ends.add(recap);
      this.recap.complete(recap);
    }

    @Override
    public void playFailed(PlayWork work, String message) {
      ends.add(message);
      failure.complete(message);
      recap.completeExceptionally(new AssertionError(message));
    }
  }

  private static byte[] plan(Path dir, String yaml, Map<String, Object> vars, boolean check) throws Exception {
    return TestPlans.plan(dir, yaml, vars, check);
  }

  private static final String PLAY = """
      - hosts: all
        gather_facts: false
        tasks:
          - name: motd
            template: {src: motd.j2, dest: "{{ root }}/motd"}
            notify: touched
          - name: dirs
            file: {path: "{{ root }}/d/{{ item }}", state: directory}
            loop: [a, b]
        handlers:
          - name: touched
            copy: {content: "yes\\n", dest: "{{ root }}/touched"}
      """;

  @Test
  void cancel_whileACommandRuns_stopsItsProcess_andReportsCancelled(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("pid");
    String play = """
        - hosts: all
          gather_facts: false
          tasks:
            - name: long
              shell: "echo $$ > %s; exec sleep 60"
        """.formatted(pidFile);
    try (Events events = new Events(); PlayExecutor ex = new PlayExecutor(Modules.builtin(), events, tmp.resolve("state"),
        Templar::new)) {
      ex.submit(new PlayWork("r1-p0-h", "r1", 0, plan(tmp, play, Map.of(), false)));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle sleeper = ProcessHandle.of(pid).orElseThrow();
      ex.cancel("r1-p0-h");
      assertThat(events.failure.get(30, TimeUnit.SECONDS)).isEqualTo("cancelled");
      sleeper.onExit().get(10, TimeUnit.SECONDS);
      assertThat(sleeper.isAlive()).isFalse();
    }
  }

  @Test
  void safe_keepsLettersDigitsDotsDashesUnderscores_andReplacesTheRest() {
    assertThat(SecureFiles.safeName("run-1.a_B")).isEqualTo("run-1.a_B");
    assertThat(SecureFiles.safeName("../etc/passwd x:é")).isEqualTo(".._etc_passwd_x__");
  }

  @Test
  void run_appliesThenReportsInSync_andRemovesItsWorkDir(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path state = tmp.resolve("state");
    Map<String, Object> vars = Map.of("root", root.toString(), "who", "world");
    try (Events first = new Events(); PlayExecutor ex = new PlayExecutor(Modules.builtin(), first, state, Templar::new)) {
      ex.submit(new PlayWork("r1-p0-h", "r1", 0, plan(tmp, PLAY, vars, false)));
      PlayRecap recap = first.recap.get(60, TimeUnit.SECONDS);
      assertThat(recap.changed()).isEqualTo(3);
      assertThat(root.resolve("motd")).hasContent("hello world");
      assertThat(root.resolve("touched")).exists();
      assertThat(root.resolve("d/b")).isDirectory();
      assertThat(first.items).extracting(ItemResult::label).containsExactly("a", "b");
      assertThat(first.tasks.get(0).diffs()).isNotEmpty();
    }
    try (Events second = new Events(); PlayExecutor ex = new PlayExecutor(Modules.builtin(), second, state, Templar::new)) {
      ex.submit(new PlayWork("r2-p0-h", "r2", 0, plan(tmp, PLAY, vars, false)));
      PlayRecap recap = second.recap.get(60, TimeUnit.SECONDS);
      assertThat(recap.changed()).isZero();
      assertThat(second.tasks).extracting(TaskResult::status).containsOnly(TaskStatus.OK);
    }
    assertThat(state.resolve("plays")).isEmptyDirectory();
  }

  @Test
  void run_theWorkDirAndWhatTasksWriteInIt_areOwnerOnlyWhileThePlayRuns(@TempDir Path tmp) throws Exception {
    Path state = tmp.resolve("state");
    String play = """
        - hosts: all
          gather_facts: false
          tasks:
            - ping: {}
            - template: {src: motd.j2, dest: "{{ playbook_dir }}/motd"}
            - file: {path: "{{ playbook_dir }}/made/by/file", state: directory}
            - shell: "echo hi > '{{ playbook_dir }}/made/by/shell.txt'; chmod 0644 '{{ playbook_dir }}/made/by/shell.txt'"
            - ping: {}
        """;
    List<String> seen = new CopyOnWriteArrayList<>();
    Map<String, io.homefleet.agent.exec.Module> modules = new java.util.HashMap<>(Modules.builtin());
    // In place of ping (a module the loader knows): what in the state dir is not private, mid-play.
    modules.put("ping", new io.homefleet.agent.exec.Module() {
      @Override
      public String name() {
        return "ping";
      }

      @Override
      public io.homefleet.agent.exec.Outcome run(Map<String, Object> args, io.homefleet.agent.exec.TaskContext ctx) {
        try {
          seen.add(Files.exists(ctx.workDir().resolve("bundle/made/by/shell.txt")) ? "written" : "missing");
          seen.addAll(PrivateModes.offenders(state));
        } catch (java.io.IOException e) {
          seen.add(e.toString());
        }
        return io.homefleet.agent.exec.Outcome.result(false, "", Map.of());
      }
    });
    try (Events ev = new Events(); PlayExecutor ex = new PlayExecutor(modules, ev, state, Templar::new)) {
      ex.submit(new PlayWork("r1-p0-h", "r1", 0, plan(tmp, play, Map.of("who", "x"), false)));
      assertThat(ev.recap.get(60, TimeUnit.SECONDS).failed()).isZero();
    }
    // First the unpacked bundle as written, then after tasks wrote with modes of their own.
    assertThat(seen).as("modes in the state dir during the play").containsExactly("missing", "written");
    assertThat(PrivateModes.offenders(state.resolve("plays"))).isEmpty();
  }

  @Test
  void templar_oneForThePlaysThatFollow(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    List<Templar> made = new CopyOnWriteArrayList<>();
    Supplier<Templar> factory = () -> {
      Templar t = new Templar();
      made.add(t);
      return t;
    };
    byte[] plan = plan(tmp, PLAY, Map.of("root", root.toString(), "who", "x"), false);
    try (Events sink = new Events(); PlayExecutor ex = new PlayExecutor(Modules.builtin(), sink, tmp.resolve("state"), factory)) {
      ex.submit(new PlayWork("t-p0-h", "t", 0, plan));
      assertThat(sink.ends.poll(60, TimeUnit.SECONDS)).isInstanceOf(PlayRecap.class);
      ex.submit(new PlayWork("t2-p0-h", "t2", 0, plan));
      assertThat(sink.ends.poll(60, TimeUnit.SECONDS)).isInstanceOf(PlayRecap.class);
      assertThat(made).as("the engine is costly to make: one for the worker's plays").hasSize(1);
    }
  }

  @Test
  void run_inCheckMode_reportsChangesAndWritesNothing(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (Events ev = new Events();
        PlayExecutor ex = new PlayExecutor(Modules.builtin(), ev, tmp.resolve("state"), Templar::new)) {
      ex.submit(new PlayWork("c-p0-h", "c", 0, plan(tmp, PLAY, Map.of("root", root.toString(), "who", "x"), true)));
      PlayRecap recap = ev.recap.get(60, TimeUnit.SECONDS);
      assertThat(recap.changed()).isPositive();
      assertThat(root).isEmptyDirectory();
    }
  }

  @Test
  void submit_unreadablePlan_reportsWhyInsteadOfRunning(@TempDir Path tmp) throws Exception {
    try (Events ev = new Events();
        PlayExecutor ex = new PlayExecutor(Modules.builtin(), ev, tmp.resolve("state"), Templar::new)) {
      ex.submit(new PlayWork("bad", "r", 0, "{not a plan".getBytes()));
      assertThat(ev.failure.get(30, TimeUnit.SECONDS)).contains("could not run");
    }
  }
}
