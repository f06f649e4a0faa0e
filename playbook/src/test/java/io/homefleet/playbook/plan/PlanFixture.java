package io.homefleet.playbook.plan;

import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.run.PlanListener;
import io.homefleet.playbook.run.PlanRunner;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookException;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.template.Templar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a playbook into a temp dir, loads it with the real loader, compiles a play, runs it with
 * {@link FsModules}, and keeps the events. {@code @OUT@} in the files is replaced by the output
 * directory's path.
 */
final class PlanFixture {
  private static final Templar TEMPLAR = new Templar();

  final Path dir;
  final Path out;
  final Path bundle;
  final FsModules modules = new FsModules();
  final Events events = new Events();
  final Map<String, Object> hostVars = new LinkedHashMap<>();
  PlanOptions options = PlanOptions.DEFAULT;

  PlanFixture(Path tmp) {
    this.dir = tmp.resolve("playbook");
    this.out = tmp.resolve("out");
    this.bundle = tmp.resolve("bundle");
    try {
      Files.createDirectories(dir);
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hostVars.put("inventory_hostname", "web1");
  }

  PlanFixture file(String path, String text) {
    try {
      Path p = dir.resolve(path);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text.replace("@OUT@", out.toString()));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code site.yml} with one play on all hosts whose tasks are {@code tasks} (indented as under tasks:). */
  PlanFixture play(String body) {
    return file("site.yml", "- hosts: all\n  gather_facts: false\n" + body);
  }

  LoadedPlaybook load() throws PlaybookException {
    return new PlaybookLoader(dir, List.of()).load(dir.resolve("site.yml"));
  }

  HostPlan compile(int play) throws PlaybookException {
    return PlanCompiler.compile(load(), play, hostVars, options);
  }

  PlayRecap run() throws Exception {
    return run(0);
  }

  PlayRecap run(int play) throws Exception {
    HostPlan plan = PlanCodec.decode(PlanCodec.encode(compile(play)));
    return new PlanRunner(TEMPLAR).run(plan, bundle, modules, events);
  }

  String read(String name) throws IOException {
    return Files.readString(out.resolve(name));
  }

  boolean exists(String name) {
    return Files.exists(out.resolve(name));
  }

  /** Everything the listener heard, in order. */
  static final class Events implements PlanListener {
    final List<Object> all = new ArrayList<>();
    final List<TaskResult> finished = new ArrayList<>();
    final List<ItemResult> items = new ArrayList<>();
    PlayRecap recap;

    @Override
    public void taskStarted(TaskRef task) {
      all.add(task);
    }

    @Override
    public void itemFinished(ItemResult item) {
      all.add(item);
      items.add(item);
    }

    @Override
    public void taskFinished(TaskResult result) {
      all.add(result);
      finished.add(result);
    }

    @Override
    public void playFinished(PlayRecap r) {
      recap = r;
    }

    TaskResult result(String name) {
      return finished.stream().filter(r -> r.task().name().equals(name)).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no task '" + name + "' finished; finished: "
              + finished.stream().map(r -> r.task().name()).toList()));
    }

    List<String> names() {
      return finished.stream().map(r -> r.task().name()).toList();
    }
  }
}
