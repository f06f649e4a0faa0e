package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Ansible's own documented examples (the EXAMPLES block of each module issue 4 names, from
 * Debian's ansible-core) that pass the syntax check, each run as a one-task play with
 * {@code --check} against a real Debian 12 host: a loopback agent on this machine, which shares
 * its root file system. All the plays go in one playbook, one run; each play has
 * {@code ignore_errors: true} so that a failed example does not keep the host from the next
 * play (its failure is still reported, with its message).
 *
 * <p>How many pass depends on the machine (which files, packages, users and services it has),
 * so the test asserts no count: it asserts that every example got a clean answer (ok, changed,
 * skipped or failed with a message: no crash, no unreachable host, no missing result), that
 * check mode changed nothing on the machine, and prints the table for docs/playbooks.md.
 */
class AnsibleExamplesCheckIT {
  private static final Path MODULES = Path.of("/usr/lib/python3/dist-packages/ansible/modules");
  private static final List<String> MODULES_OF_ISSUE_4 = List.of("command", "shell", "file", "copy", "template",
      "lineinfile", "blockinfile", "stat", "apt", "systemd", "service", "user", "group", "cron", "get_url",
      "unarchive", "debug", "set_fact", "assert", "fail", "ping", "setup");
  private static final Pattern EXAMPLES = Pattern.compile("EXAMPLES\\s*=\\s*r?('''|\"\"\")(.*?)\\1", Pattern.DOTALL);
  private static final String HOST = "examples-1";

  /** What the examples name on the host, or could touch by mistake. */
  private static final List<String> WATCHED = List.of("/etc", "/var/spool/cron", "/var/lib/dpkg/status", "/home",
      "/srv", "/opt", "/path", "/mine", "/usr/local/bin", "/root/.ssh");

  /** Failure reasons, first match wins: the message pattern and the group it is counted in. */
  private static final List<Map.Entry<Pattern, String>> REASONS = List.of(
      reason("systemd is not running", "no systemd"),
      reason("not supported|unsupported|is not implemented|no filter named|is invalid for filter"
          + "|only http and https", "unsupported feature"),
      reason("(?i)failed to resolve|unknownhost|name or service not known|network is unreachable|connection refused"
          + "|timed out|HTTP Error|status code|Request failed|SSL|certificate", "needs network or a real URL"),
      reason("(?i)Group \\S+ does not exist|look up (user|group)|no such (user|group)", "missing user or group"),
      reason("Unable to locate package|has no installation candidate|apt-get cannot|Version '.*' for '.*' was not"
          + " found", "package not in the archive"),
      reason("is undefined", "undefined variable (the example needs its play around it)"),
      reason("(?i)does not exist|no such file|not found|is absent|not a directory|must be an existing dir"
          + "|not in the play's bundle|has no attribute 'pw_name'", "missing file on this host"),
      reason("Assertion failed|boom", "fails on purpose"));

  private static Map.Entry<Pattern, String> reason(String regex, String group) {
    return Map.entry(Pattern.compile(regex), group);
  }

  /** One example: where it comes from and the play built for it. */
  record Example(String module, int number, String name, Map<String, Object> play) {
    String label() {
      return "ex " + module + " #" + number;
    }

    String file() {
      return "ex-" + module + "-" + number + ".yml";
    }
  }

  @TempDir
  Path tmp;

  @Test
  void examplesOfTheIssue4Modules_inCheckMode_eachGetACleanAnswer_andChangeNothing() throws Exception {
    assertThat(MODULES).as("Debian's ansible-core (apt-get install ansible-core)").isDirectory();
    Path pb = tmp.resolve("pb");
    Files.createDirectories(pb);
    // Every example in its own playbook file next to site.yml, which imports them all; one
    // `homefleet play --syntax-check --json` names the files with errors.
    Map<String, int[]> syntax = new TreeMap<>();
    List<Example> all = new ArrayList<>();
    for (String module : MODULES_OF_ISSUE_4) {
      List<Object> examples = examples(module);
      int[] s = new int[2];
      for (int i = 0; i < examples.size(); i++) {
        if (examples.get(i) instanceof Map<?, ?> task) {
          s[0]++;
          Example ex = new Example(module, i + 1, name(task, i), play(module, i + 1, task));
          all.add(ex);
          stubLocalFiles(pb, task);
          Files.writeString(pb.resolve(ex.file()), dump(List.of(ex.play())));
        }
      }
      syntax.put(module, s);
    }
    Path site = pb.resolve("site.yml");
    Files.writeString(site, dump(all.stream().map(e -> Map.of("import_playbook", e.file())).toList()));
    Fleet.Result sc = Fleet.runCli(tmp, Duration.ofMinutes(2), "play", "--syntax-check", "--json", site.toString());
    JsonNode scDoc = new ObjectMapper().readTree(sc.stdout());
    Set<String> bad = new java.util.HashSet<>();
    for (JsonNode e : scDoc.path("errors")) {
      bad.add(Path.of(e.path("file").asText()).getFileName().toString());
    }
    List<Example> runnable = all.stream().filter(e -> !bad.contains(e.file())).toList();
    runnable.forEach(e -> syntax.get(e.module())[1]++);
    Files.writeString(site, dump(runnable.stream().map(e -> Map.of("import_playbook", e.file())).toList()));
    Fleet.Result sc2 = Fleet.runCli(tmp, Duration.ofMinutes(2), "play", "--syntax-check", site.toString());
    assertThat(sc2.exitCode()).as(sc2.all()).isZero();
    System.out.println("ansible examples in check mode: " + runnable.size() + " of " + all.size()
        + " pass the syntax check and are run");

    Map<String, String> before = HostSnapshot.take(WATCHED);
    JsonNode doc;
    long ms;
    Files.createDirectories(tmp.resolve("fleet"));
    try (Fleet fleet = new Fleet(tmp.resolve("fleet"))) {
      fleet.init();
      fleet.startController();
      String[] t = fleet.token(HOST, "sandbox");
      fleet.startAgent(HOST, fleet.agentConfig(HOST, t[0], t[1]));
      fleet.awaitOnline(Duration.ofSeconds(60), HOST);
      long start = System.nanoTime();
      Fleet.Result r = fleet.cli(Duration.ofMinutes(15), "play", site.toString(), "--check", "-l", HOST, "--json");
      ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.exitCode()).as(r.stderr() + "\n" + r.stdout()).isIn(0, 2);
      doc = new ObjectMapper().readTree(r.stdout());
    }
    Map<String, String> after = HostSnapshot.take(WATCHED);

    // Results per example, by play name.
    Map<String, JsonNode> byPlay = new LinkedHashMap<>();
    for (JsonNode p : doc.path("plays")) {
      byPlay.put(p.path("play").path("name").asText(), p);
    }
    Map<String, Map<String, Integer>> table = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    List<String> unclean = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Example ex : runnable) {
      Map<String, Integer> row = table.computeIfAbsent(ex.module(), m -> new LinkedHashMap<>());
      String label = ex.label() + ": " + ex.name();
      JsonNode play = byPlay.get(label);
      if (play == null) {
        unclean.add(label + ": no result");
        continue;
      }
      String status = null;
      String msg = "";
      for (JsonNode task : play.path("tasks")) {
        if (task.path("task").path("name").asText().equals("Gathering Facts")) {
          continue;
        }
        JsonNode h = task.path("hosts").path(HOST);
        if (h.isMissingNode()) {
          continue;
        }
        String st = h.path("status").asText();
        if (!Set.of("ok", "changed", "skipped", "failed").contains(st)) {
          unclean.add(label + ": status " + st + " " + h);
        }
        if (h.path("ignored").asBoolean(false) || st.equals("failed")) {
          st = "failed";
          if (msg.isEmpty()) {
            msg = h.path("msg").asText(h.toString());
            for (JsonNode item : h.path("results")) {
              if (item.path("failed").asBoolean(false)) {
                msg = item.path("msg").asText(msg); // a loop: the first failed item's reason
                break;
              }
            }
          }
          if (msg.isBlank()) {
            unclean.add(label + ": failed without a message " + h);
          }
        }
        status = worst(status, st);
      }
      if (status == null) {
        unclean.add(label + ": no task result");
        continue;
      }
      if (status.equals("failed")) {
        String why = classify(msg);
        reasons.merge(why, 1, Integer::sum);
        row.merge("failed: " + why, 1, Integer::sum);
        failures.add(label + " => [" + why + "] " + msg.replace('\n', ' '));
      } else {
        row.merge(status, 1, Integer::sum);
      }
    }
    for (JsonNode st : doc.path("stats")) {
      assertThat(st.path("unreachable").asInt()).as("unreachable").isZero();
    }

    System.out.println("ansible examples in check mode: one run of " + runnable.size() + " plays took " + ms + " ms");
    System.out.println("| module | examples | pass --syntax-check | check mode: ok | changed | skipped | failed |");
    System.out.println("|---|---|---|---|---|---|---|");
    int[] sum = new int[6];
    for (String module : MODULES_OF_ISSUE_4) {
      Map<String, Integer> row = table.getOrDefault(module, Map.of());
      int ok = row.getOrDefault("ok", 0);
      int changed = row.getOrDefault("changed", 0);
      int skipped = row.getOrDefault("skipped", 0);
      int failed = row.entrySet().stream().filter(e -> e.getKey().startsWith("failed")).mapToInt(Map.Entry::getValue)
          .sum();
      String why = String.join(", ", row.entrySet().stream().filter(e -> e.getKey().startsWith("failed: "))
          .map(e -> e.getValue() + " " + e.getKey().substring(8)).toList());
      int[] s = syntax.get(module);
      System.out.printf("| %s | %d | %d | %d | %d | %d | %d%s |%n", module, s[0], s[1], ok, changed, skipped, failed,
          why.isEmpty() ? "" : " (" + why + ")");
      int[] add = {s[0], s[1], ok, changed, skipped, failed};
      for (int i = 0; i < 6; i++) {
        sum[i] += add[i];
      }
    }
    System.out.printf("| **all** | %d | %d | %d | %d | %d | %d |%n", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
    System.out.println("ansible examples in check mode: failures by reason: " + reasons);
    failures.forEach(f -> System.out.println("ansible examples in check mode: " + f));

    assertThat(unclean).as("examples without a clean ok/changed/skipped/failed answer").isEmpty();
    assertThat(HostSnapshot.differences(before, after)).as("check mode changed the host").isEmpty();
  }

  private static String worst(String a, String b) {
    List<String> order = List.of("skipped", "ok", "changed", "failed");
    if (a == null) {
      return b;
    }
    return order.indexOf(b) > order.indexOf(a) ? b : a;
  }

  private static String classify(String msg) {
    for (Map.Entry<Pattern, String> r : REASONS) {
      if (r.getKey().matcher(msg).find()) {
        return r.getValue();
      }
    }
    return "other";
  }

  private static List<Object> examples(String module) throws Exception {
    String source = Files.readString(MODULES.resolve(module + ".py"));
    Matcher m = EXAMPLES.matcher(source);
    assertThat(m.find()).as("EXAMPLES in " + module + ".py").isTrue();
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(m.group(2));
    return doc instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }

  private static String name(Map<?, ?> task, int index) {
    if (task.get("name") instanceof String n) {
      return n;
    }
    if (task.get("tasks") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> t
        && t.get("name") instanceof String n) {
      return n;
    }
    return "#" + (index + 1);
  }

  /**
   * The example as a one-task play, as AnsibleExamplesTest builds it (a handler for each notify),
   * named after the example, with ignore_errors. An example that is a whole play keeps its
   * tasks; its hosts become {@code all} (the run is limited to the test host).
   */
  private static Map<String, Object> play(String module, int number, Map<?, ?> task) {
    Map<String, Object> play = new LinkedHashMap<>();
    play.put("name", "ex " + module + " #" + number + ": " + name(task, number - 1));
    if (task.containsKey("hosts")) {
      task.forEach((k, v) -> {
        if (!k.equals("name")) {
          play.put(String.valueOf(k), v);
        }
      });
      play.put("hosts", "all");
    } else {
      play.put("hosts", "all");
      play.put("tasks", List.of(task));
      List<Object> handlers = new ArrayList<>();
      Object notify = task.get("notify");
      for (Object n : notify instanceof List<?> l ? l : notify == null ? List.of() : List.of(notify)) {
        handlers.add(Map.of("name", String.valueOf(n), "ping", Map.of()));
      }
      if (!handlers.isEmpty()) {
        play.put("handlers", handlers);
      }
    }
    play.put("ignore_errors", true);
    return play;
  }

  private static String dump(Object o) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(new Representer(options), options).dump(o);
  }

  /** Local {@code src:} files the examples name, as AnsibleExamplesTest stubs them. */
  private static void stubLocalFiles(Path dir, Map<?, ?> task) throws Exception {
    for (Object v : task.values()) {
      if (v instanceof Map<?, ?> args && args.get("src") instanceof String src && !src.startsWith("/")
          && !src.contains("{{") && !src.contains("..") && !src.contains("://")) {
        Path f = dir.resolve(src);
        if (src.endsWith("/")) {
          Files.createDirectories(f);
          Files.writeString(f.resolve("stub"), "stub\n");
        } else if (!Files.exists(f)) {
          Files.createDirectories(f.getParent());
          Files.writeString(f, "stub\n");
        }
      }
    }
  }
}
