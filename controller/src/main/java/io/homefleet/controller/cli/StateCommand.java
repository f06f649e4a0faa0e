package io.homefleet.controller.cli;

import io.homefleet.proto.v1.ApplyStateRequest;
import io.homefleet.proto.v1.ApplyStateResponse;
import io.homefleet.proto.v1.GetStateRequest;
import io.homefleet.proto.v1.ListStateHistoryRequest;
import io.homefleet.proto.v1.ListStateHistoryResponse;
import io.homefleet.proto.v1.RollbackStateRequest;
import io.homefleet.proto.v1.SourceFile;
import io.homefleet.proto.v1.StateHistoryEntry;
import io.homefleet.proto.v1.StateVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code homefleet state apply | show | history | diff | rollback}: the controller's versioned desired state. */
@Command(name = "state", description = "The desired state: apply a state directory, look at its versions, roll back.",
    subcommands = {StateCommand.Apply.class, StateCommand.Show.class, StateCommand.History.class,
        StateCommand.Diff.class, StateCommand.Rollback.class})
final class StateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static String shortV(String v) {
    return v.length() > 12 ? v.substring(0, 12) : v;
  }

  @Command(name = "apply", description = "Validate a state directory whole and make it the current version; every "
      + "host converges to it.")
  static final class Apply implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The state directory (homefleet.yml, site.yml, inventory/, roles/).")
    Path dir;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dir)) {
        throw new CliException(2, dir + ": not a directory; give the state directory (the one with homefleet.yml "
            + "and site.yml)");
      }
      List<SourceFile> files = new ArrayList<>();
      try {
        PlayCommand.Upload.tree(dir, dir, "", files::add, new long[1]);
      } catch (IOException e) {
        throw new CliException(1, "cannot read " + dir + ": " + e.getMessage());
      }
      ApplyStateResponse r = OperatorClient.call(spec, op -> op.applyState(ApplyStateRequest.newBuilder()
          .addAllFiles(files).setSource(dir.toAbsolutePath().normalize().toString()).build()));
      PrintWriter out = spec.commandLine().getOut();
      r.getWarningsList().forEach(out::println);
      if (r.getUnchanged()) {
        out.println("unchanged: version " + shortV(r.getVersion()) + " (" + r.getFiles()
            + " files) is already current; nothing to do");
      } else {
        out.println("applied: version " + shortV(r.getVersion()) + " (" + r.getFiles() + " files) is current "
            + "(history #" + r.getHistorySeq() + "); hosts converge to it now ('homefleet status')");
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show a version (default: the current one) and its files.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "VERSION", arity = "0..1", description = "A version or a unique prefix of one.")
    String version = "";

    @Option(names = "--file", description = "Print this file's content instead of the list.")
    String file;

    @Override
    public Integer call() {
      StateVersion v = OperatorClient.call(spec, op -> op.getState(GetStateRequest.newBuilder().setVersion(version)
          .setPathsOnly(file == null).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (file != null) {
        for (SourceFile f : v.getFilesList()) {
          if (f.getPath().equals(file)) {
            out.print(f.getContent().toString(StandardCharsets.UTF_8));
            out.flush();
            return 0;
          }
        }
        throw new CliException(1, "version " + shortV(v.getVersion()) + " has no file '" + file + "'");
      }
      out.println("version:  " + v.getVersion() + (v.getCurrent() ? "  (current)" : ""));
      out.println("created:  " + Times.iso(v.getCreatedUnixMillis()) + " by " + v.getCreatedBy());
      out.println("source:   " + v.getSource());
      out.println("files:    " + v.getFilesCount());
      for (SourceFile f : v.getFilesList()) {
        out.println("  " + f.getPath());
      }
      return 0;
    }
  }

  @Command(name = "history", description = "Which version was current when, newest first.")
  static final class History implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--limit", description = "At most this many entries (default 20).")
    int limit = 20;

    @Override
    public Integer call() {
      ListStateHistoryResponse r = OperatorClient.call(spec, op -> op.listStateHistory(
          ListStateHistoryRequest.newBuilder().setLimit(limit).build()));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-5s %-12s %-9s %-24s %-24s %s%n", "#", "VERSION", "ACTION", "AT", "BY", "SOURCE");
      boolean first = true;
      for (StateHistoryEntry e : r.getEntriesList()) {
        out.printf("%-5s %-12s %-9s %-24s %-24s %s%n", e.getSeq() + (first ? "*" : ""), shortV(e.getVersion()),
            e.getAction(), Times.iso(e.getAtUnixMillis()), e.getBy(), e.getSource());
        first = false;
      }
      if (r.getEntriesCount() == 0) {
        out.println("(no state applied yet: homefleet state apply DIR)");
      }
      return 0;
    }
  }

  @Command(name = "diff", description = "A unified diff, file by file, from version V1 to V2 (default: the current).")
  static final class Diff implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "V1")
    String v1;

    @Parameters(index = "1", paramLabel = "V2", arity = "0..1")
    String v2 = "";

    @Override
    public Integer call() {
      StateVersion a = OperatorClient.call(spec, op -> op.getState(GetStateRequest.newBuilder().setVersion(v1).build()));
      StateVersion b = OperatorClient.call(spec, op -> op.getState(GetStateRequest.newBuilder().setVersion(v2).build()));
      PrintWriter out = spec.commandLine().getOut();
      out.print(render(a, b));
      out.flush();
      return 0;
    }

    /** Every added, removed or changed file as a unified diff with {@code a/} and {@code b/} headers. */
    static String render(StateVersion a, StateVersion b) {
      Map<String, String> fa = texts(a);
      Map<String, String> fb = texts(b);
      TreeSet<String> paths = new TreeSet<>(fa.keySet());
      paths.addAll(fb.keySet());
      StringBuilder sb = new StringBuilder();
      for (String p : paths) {
        String before = fa.getOrDefault(p, "");
        String after = fb.getOrDefault(p, "");
        if (fa.containsKey(p) && fb.containsKey(p) && before.equals(after)) {
          continue;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("before", before);
        d.put("after", after);
        d.put("before_header", fa.containsKey(p) ? shortV(a.getVersion()) + ":" + p : "/dev/null");
        d.put("after_header", fb.containsKey(p) ? shortV(b.getVersion()) + ":" + p : "/dev/null");
        String diff = UnifiedDiff.render(d);
        sb.append(diff.isEmpty() ? "--- " + d.get("before_header") + "\n+++ " + d.get("after_header")
            + "\n(empty file)\n" : diff);
      }
      if (sb.length() == 0) {
        sb.append("no differences between ").append(shortV(a.getVersion())).append(" and ")
            .append(shortV(b.getVersion())).append('\n');
      }
      return sb.toString();
    }

    private static Map<String, String> texts(StateVersion v) {
      Map<String, String> m = new TreeMap<>();
      v.getFilesList().forEach(f -> m.put(f.getPath(), f.getContent().toString(StandardCharsets.UTF_8)));
      return m;
    }
  }

  @Command(name = "rollback", description = "Make an earlier version current again (a new history entry); every "
      + "host converges to it.")
  static final class Rollback implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "VERSION", description = "A version or a unique prefix of one ('state history').")
    String version;

    @Override
    public Integer call() {
      ApplyStateResponse r = OperatorClient.call(spec, op -> op.rollbackState(RollbackStateRequest.newBuilder()
          .setVersion(version).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (r.getUnchanged()) {
        out.println("unchanged: version " + shortV(r.getVersion()) + " is already current");
      } else {
        out.println("rolled back: version " + shortV(r.getVersion()) + " is current again (history #"
            + r.getHistorySeq() + "); hosts converge to it now");
      }
      return 0;
    }
  }
}
