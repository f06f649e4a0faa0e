package io.homefleet.controller.cli;

import com.google.protobuf.ByteString;
import io.homefleet.proto.v1.PlayHostEvent;
import io.homefleet.proto.v1.PlayHostRecap;
import io.homefleet.proto.v1.PlayRecap;
import io.homefleet.proto.v1.PlayRunEvent;
import io.homefleet.proto.v1.PlayTaskResult;
import io.homefleet.proto.v1.RunState;
import io.homefleet.proto.v1.TaskStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints a playbook run as ansible-playbook's default output does: {@code PLAY [..]},
 * {@code TASK [..]} and {@code RUNNING HANDLER [..]} headers, one line per host and loop item,
 * diffs under {@code --diff}, and the {@code PLAY RECAP}. Lines are printed as the events arrive;
 * a task's header is printed again when another task's line came in between (hosts run their
 * plays independently). With {@code --json} nothing is printed until the end, then one document
 * in the shape of Ansible's {@code json} callback.
 */
final class PlayOutput {
  /** Keys of a result that make a debug-like message worth printing under the host's line. */
  private static final Set<String> MSG_ONLY = Set.of("msg", "changed", "failed");

  private final PrintWriter out;
  private final boolean json;
  private final boolean diff;
  private String lastHeader = "";
  private final Map<String, Boolean> itemsSeen = new LinkedHashMap<>();

  private String runId = "";
  private RunState state = RunState.RUN_STATE_UNSPECIFIED;
  private final List<Map<String, Object>> plays = new ArrayList<>();
  private final Map<String, Map<String, Object>> tasksByKey = new LinkedHashMap<>();
  private final Map<String, PlayRecap> stats = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  PlayOutput(PrintWriter out, boolean json, boolean diff) {
    this.out = out;
    this.json = json;
    this.diff = diff;
  }

  void accept(PlayRunEvent ev) {
    runId = ev.getRunId();
    switch (ev.getKindCase()) {
      case STARTED -> ev.getStarted().getWarningsList().forEach(w -> line("[WARNING]: " + w));
      case PLAY -> {
        var p = ev.getPlay();
        if (json) {
          if (plays.isEmpty() || !plays.get(plays.size() - 1).get("index").equals(p.getPlayIndex())) {
            Map<String, Object> play = new LinkedHashMap<>();
            play.put("index", p.getPlayIndex());
            play.put("play", Map.of("name", p.getName(), "hosts", p.getHostsList()));
            play.put("tasks", new ArrayList<Map<String, Object>>());
            plays.add(play);
          }
        } else {
          blank();
          header("PLAY [" + p.getName() + "]");
          lastHeader = "";
        }
      }
      case HOST -> host(ev.getHost());
      case NOTE -> {
        notes.add(ev.getNote());
        line(ev.getNote());
      }
      case FINISHED -> {
        state = ev.getFinished().getState();
        for (PlayHostRecap h : ev.getFinished().getHostsList()) {
          stats.put(h.getHost(), h.getRecap());
        }
        if (!json) {
          blank();
          header("PLAY RECAP");
          for (PlayHostRecap h : ev.getFinished().getHostsList()) {
            PlayRecap r = h.getRecap();
            out.println(recapLine(h.getHost(), r));
          }
          blank();
        }
      }
      case KIND_NOT_SET -> { }
    }
    out.flush();
  }

  private void host(PlayHostEvent h) {
    String host = h.getHost();
    switch (h.getKindCase()) {
      case TASK_STARTED -> { }
      case ITEM -> {
        PlayTaskResult r = h.getItem();
        itemsSeen.put(key(h, r), true);
        taskHeader(h, r);
        // Parsed only when something of it is printed: the CLI keeps up with a busy run's events.
        Map<String, Object> result = diff || json || r.getStatus() == TaskStatus.FAILED ? map(r.getResultJson())
            : Map.of();
        String item = "(item=" + r.getItemLabel() + ")";
        // As ansible-playbook: the diff comes before the line it belongs to.
        diffs(listOf(result.get("diff")));
        switch (r.getStatus()) {
          case OK -> line("ok: [" + host + "] => " + item);
          case CHANGED -> line("changed: [" + host + "] => " + item);
          case SKIPPED -> line("skipping: [" + host + "] => " + item);
          default -> line("failed: [" + host + "] " + item + " => " + compact(result));
        }
      }
      case TASK -> {
        PlayTaskResult r = h.getTask();
        Map<String, Object> result = json || r.getStatus() == TaskStatus.FAILED || mayHaveMessage(r.getResultJson())
            ? map(r.getResultJson()) : Map.of();
        record(h, r, result);
        boolean hadItems = itemsSeen.remove(key(h, r)) != null;
        if (hadItems && r.getStatus() != TaskStatus.FAILED) {
          return;
        }
        taskHeader(h, r);
        if (!hadItems && diff && !json) {
          diffs(list(r.getDiffsJson()));
        }
        // As ansible-playbook: a result's warnings (a module's, an errors=warn lookup's) before its line.
        listOf(result.get("warnings")).forEach(w -> line("[WARNING]: " + w));
        switch (r.getStatus()) {
          case OK -> line("ok: [" + host + "]" + message(result));
          case CHANGED -> line("changed: [" + host + "]" + message(result));
          case SKIPPED -> line("skipping: [" + host + "]");
          default -> {
            line("fatal: [" + host + "]: FAILED! => " + compact(result));
            if (r.getIgnored()) {
              line("...ignoring");
            }
          }
        }
      }
      case RECAP -> {
        PlayRecap r = h.getRecap();
        if (r.getEnd().equals("UNREACHABLE") || r.getEnd().equals("EXPIRED")) {
          lastHeader = "";
          line("fatal: [" + host + "]: UNREACHABLE! => " + compact(Map.of("changed", false, "msg", h.getMsg(),
              "unreachable", true)));
        } else if (!r.getError().isEmpty()) {
          line("fatal: [" + host + "]: FAILED! => " + compact(Map.of("msg", r.getError())));
        }
      }
      case KIND_NOT_SET -> { }
    }
  }

  private void taskHeader(PlayHostEvent h, PlayTaskResult r) {
    String k = key(h, r);
    if (!k.equals(lastHeader)) {
      lastHeader = k;
      blank();
      header((r.getTask().getHandler() ? "RUNNING HANDLER [" : "TASK [") + r.getTask().getName() + "]");
    }
  }

  private static String key(PlayHostEvent h, PlayTaskResult r) {
    return h.getPlayIndex() + "/" + r.getTask().getPath() + "/" + r.getTask().getHandler();
  }

  private void record(PlayHostEvent h, PlayTaskResult r, Map<String, Object> result) {
    if (!json || plays.isEmpty()) {
      return;
    }
    String k = key(h, r);
    Map<String, Object> task = tasksByKey.computeIfAbsent(k, x -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("task", Map.of("name", r.getTask().getName(), "path", r.getTask().getPath(), "location",
          r.getTask().getLocation(), "handler", r.getTask().getHandler()));
      t.put("hosts", new LinkedHashMap<String, Object>());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> tasks = (List<Map<String, Object>>) plays.get(plays.size() - 1).get("tasks");
      tasks.add(t);
      return t;
    });
    Map<String, Object> hr = new LinkedHashMap<>(result);
    hr.put("status", r.getStatus().name().toLowerCase(Locale.ROOT));
    if (r.getIgnored()) {
      hr.put("ignored", true);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> hosts = (Map<String, Object>) task.get("hosts");
    hosts.put(h.getHost(), hr);
  }

  /** Whether a result may hold a message {@link #message} prints; false for most module results. */
  static boolean mayHaveMessage(ByteString resultJson) {
    String text = resultJson.toStringUtf8();
    return text.contains("\"msg\"") || text.contains("\"warnings\"");
  }

  /** A debug-like message ({@code msg} and nothing else worth showing) is shown as ansible-playbook shows debug's. */
  private static String message(Map<String, Object> result) {
    if (result.containsKey("msg") && MSG_ONLY.containsAll(result.keySet())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("msg", result.get("msg"));
      return " => " + PlayJson.pretty(m);
    }
    return "";
  }

  private void diffs(List<Object> diffs) {
    if (!diff || json) {
      return;
    }
    for (Object d : diffs) {
      if (d instanceof Map<?, ?> m) {
        out.print(UnifiedDiff.render(m));
      } else if (d instanceof List<?> l) {
        diffs(new ArrayList<>(l));
      }
    }
  }

  private static List<Object> listOf(Object o) {
    if (o == null) {
      return List.of();
    }
    return o instanceof List<?> l ? new ArrayList<>(l) : List.of(o);
  }

  /** The exit code: 2 when a host failed, 4 when one was unreachable (and none failed), 1 when the run broke. */
  int exitCode() {
    boolean failed = stats.values().stream().anyMatch(r -> r.getFailed() > 0);
    boolean unreachable = stats.values().stream().anyMatch(r -> r.getUnreachable() > 0);
    if (failed) {
      return 2;
    }
    if (unreachable) {
      return 4;
    }
    return state == RunState.SUCCEEDED ? 0 : state == RunState.RUN_FAILED ? 2 : 1;
  }

  /** With {@code --json}: the document. */
  void finish() {
    if (!json) {
      return;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", runId);
    doc.put("state", state == RunState.SUCCEEDED ? "succeeded" : "failed");
    plays.forEach(p -> p.remove("index"));
    doc.put("plays", plays);
    Map<String, Object> s = new LinkedHashMap<>();
    stats.forEach((host, r) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", r.getOk());
      m.put("changed", r.getChanged());
      m.put("unreachable", r.getUnreachable());
      m.put("failures", r.getFailed());
      m.put("skipped", r.getSkipped());
      m.put("rescued", r.getRescued());
      m.put("ignored", r.getIgnored());
      s.put(host, m);
    });
    doc.put("stats", s);
    doc.put("notes", notes);
    out.println(Json.write(doc));
    out.flush();
  }

  /**
   * A host's line of the PLAY RECAP, as {@code String.format(Locale.ROOT, "%-26s : ok=%-4d changed=%-4d
   * unreachable=%-4d failed=%-4d skipped=%-4d rescued=%-4d ignored=%-4d").stripTrailing()} has it
   * (ansible-playbook's columns), without java.util.Formatter, whose first integer loads the
   * locale providers for the one place a play would use it.
   */
  static String recapLine(String host, PlayRecap r) {
    StringBuilder b = new StringBuilder(160);
    pad(b, host, 26).append(" : ");
    pad(b.append("ok="), Integer.toString(r.getOk()), 4);
    pad(b.append(" changed="), Integer.toString(r.getChanged()), 4);
    pad(b.append(" unreachable="), Integer.toString(r.getUnreachable()), 4);
    pad(b.append(" failed="), Integer.toString(r.getFailed()), 4);
    pad(b.append(" skipped="), Integer.toString(r.getSkipped()), 4);
    pad(b.append(" rescued="), Integer.toString(r.getRescued()), 4);
    pad(b.append(" ignored="), Integer.toString(r.getIgnored()), 4);
    return b.toString().stripTrailing();
  }

  /** {@code s} left-justified in {@code width} columns, as the format {@code %-WIDTHs} (never cut). */
  private static StringBuilder pad(StringBuilder b, String s, int width) {
    b.append(s);
    for (int i = s.length(); i < width; i++) {
      b.append(' ');
    }
    return b;
  }

  private void header(String title) {
    if (json) {
      return;
    }
    int stars = Math.max(3, 79 - title.length());
    out.println(title + " " + "*".repeat(stars));
  }

  private void line(String s) {
    if (!json) {
      out.println(s);
    }
  }

  private void blank() {
    if (!json) {
      out.println();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(ByteString json) {
    if (json.isEmpty()) {
      return Map.of();
    }
    try {
      return PlayJson.parse(json.toStringUtf8()) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    } catch (IllegalArgumentException e) {
      return Map.of("raw", json.toStringUtf8());
    }
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(ByteString json) {
    if (json.isEmpty()) {
      return List.of();
    }
    try {
      return PlayJson.parse(json.toStringUtf8()) instanceof List<?> l ? (List<Object>) l : List.of();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  static String compact(Object value) {
    return PlayJson.compact(value);
  }
}
