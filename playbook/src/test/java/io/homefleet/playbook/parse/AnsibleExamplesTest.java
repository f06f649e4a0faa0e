package io.homefleet.playbook.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.homefleet.playbook.spec.ModuleSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Ansible's own documented examples (the EXAMPLES block of each module's source, as Debian's
 * ansible-core ships it), each wrapped in a one-task play, must pass the syntax check for every
 * module homefleet has a spec for. Modules without a spec yet are skipped and named.
 */
class AnsibleExamplesTest {
  private static final Path MODULES = Path.of("/usr/lib/python3/dist-packages/ansible/modules");

  /** The modules issue 4 names. */
  private static final List<String> MODULES_OF_ISSUE_4 = List.of("command", "shell", "file", "copy", "template",
      "lineinfile", "blockinfile", "stat", "apt", "systemd", "service", "user", "group", "cron", "get_url",
      "unarchive", "debug", "set_fact", "assert", "fail", "ping", "setup");

  private static final Pattern EXAMPLES = Pattern.compile("EXAMPLES\\s*=\\s*r?('''|\"\"\")(.*?)\\1", Pattern.DOTALL);

  private static final String ABSOLUTE = "is an absolute path: nothing can reach outside the bundle";

  /**
   * Examples that cannot pass, by "module: example name", with the error each must fail with
   * (one that passes, or fails for another reason, is reported, so the list stays true).
   */
  private static final Map<String, String> EXPECTED_TO_FAIL = Map.ofEntries(
      // A local src: given as an absolute path (/srv/myfiles/foo.conf, /mine/ntp.conf, /etc/foo.conf,
      // /mytemplates/foo.j2, /tmp/foo.zip without remote_src) is outside the bundle.
      Map.entry("copy: Copy file with owner and permissions", ABSOLUTE),
      Map.entry("copy: Copy file with owner and permission, using symbolic representation", ABSOLUTE),
      Map.entry("copy: Another symbolic mode example, adding some permissions and removing others", ABSOLUTE),
      Map.entry("copy: Copy a new \"ntp.conf\" file into place, backing up the original if it differs from the copied"
          + " version", ABSOLUTE),
      Map.entry("copy: Copy a new \"sudoers\" file into place, after passing validation with visudo", ABSOLUTE),
      Map.entry("copy: If follow=yes, /path/to/file will be overwritten by contents of foo.conf", ABSOLUTE),
      Map.entry("copy: If follow=no, /path/to/link will become a file and be overwritten by contents of foo.conf",
          ABSOLUTE),
      Map.entry("template: Template a file to /etc/file.conf", ABSOLUTE),
      Map.entry("template: Template a file, using symbolic modes (equivalent to 0644)", ABSOLUTE),
      Map.entry("template: Copy a new sudoers file into place, after passing validation with visudo", ABSOLUTE),
      Map.entry("unarchive: Unarchive a file with extra options", ABSOLUTE));

  @TempDir
  Path tmp;

  @Test
  void examples_ofModulesWithASpec_passTheSyntaxCheck() throws Exception {
    if (!Files.isDirectory(MODULES)) {
      fail("Ansible's module sources are missing from " + MODULES + ": install Debian's ansible-core"
          + " (apt-get install ansible-core); .ci/run does");
    }
    Map<String, String> report = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int checked = 0;
    for (String module : MODULES_OF_ISSUE_4) {
      if (ModuleSpecs.find(module).isEmpty()) {
        skipped.add(module);
        continue;
      }
      int pass = 0;
      int failed = 0;
      int allowed = 0;
      int other = 0;
      List<Object> examples = examples(module);
      for (int i = 0; i < examples.size(); i++) {
        if (!(examples.get(i) instanceof Map<?, ?> task)) {
          continue;
        }
        String key = module + ": " + name(task, i);
        Map<?, ?> firstTask = task.containsKey("hosts") ? firstTask(task) : task;
        String action = action(firstTask);
        if (action != null && ModuleSpecs.find(action).isEmpty() && !action.endsWith(module)) {
          other++; // an example of this module that runs another module first, without a spec yet
          continue;
        }
        List<String> errors = check(module, i, task);
        checked++;
        boolean expectedToFail = EXPECTED_TO_FAIL.containsKey(key);
        if (errors.isEmpty()) {
          pass++;
          if (expectedToFail) {
            unexpected.add(key + ": passes now; take it off EXPECTED_TO_FAIL");
          }
        } else {
          failed++;
          String because = EXPECTED_TO_FAIL.get(key);
          if (expectedToFail && errors.stream().allMatch(e -> e.contains(because))) {
            allowed++;
          } else if (expectedToFail) {
            unexpected.add(key + ": expected to fail with '" + because + "', but:\n    " + String.join("\n    ", errors));
          } else {
            unexpected.add(key + ":\n    " + String.join("\n    ", errors));
          }
        }
      }
      report.put(module, examples.size() + " examples: " + pass + " pass, " + failed + " fail (" + allowed
          + " expected)" + (other > 0 ? ", " + other + " use a module without a spec yet" : ""));
    }
    report.forEach((m, r) -> System.out.println("ansible examples: " + m + ": " + r));
    System.out.println("ansible examples: skipped, no spec yet: " + String.join(", ", skipped));
    assertThat(checked).as("examples checked").isPositive();
    assertThat(unexpected).as("examples that fail the syntax check (fix the loader or the spec, or add them to"
        + " EXPECTED_TO_FAIL with the reason)").isEmpty();
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
    if (task.containsKey("hosts")) {
      Map<?, ?> first = firstTask(task);
      if (first.get("name") instanceof String n) {
        return n;
      }
    }
    return "#" + (index + 1);
  }

  private static Map<?, ?> firstTask(Map<?, ?> play) {
    return play.get("tasks") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> t ? t : Map.of();
  }

  /** The task's module: its first key that is not a keyword. */
  private static String action(Map<?, ?> task) {
    for (Object k : task.keySet()) {
      String key = String.valueOf(k);
      if (!TaskParser.taskKeywords().contains(key) && !TaskParser.UNSUPPORTED.containsKey(key)
          && !key.equals("block") && !key.startsWith("with_") && !key.equals("listen")) {
        return key;
      }
    }
    return null;
  }

  /** Writes the example as a one-task play (with a handler for each notify) and syntax-checks it. */
  private List<String> check(String module, int index, Map<?, ?> task) throws Exception {
    Path dir = tmp.resolve(module).resolve("example" + (index + 1));
    Files.createDirectories(dir);
    Map<String, Object> play = new LinkedHashMap<>();
    if (task.containsKey("hosts")) {
      task.forEach((k, v) -> play.put(String.valueOf(k), v));
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
    stubLocalFiles(dir, task);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    String yaml = new Yaml(new Representer(options), options).dump(List.of(play));
    Path file = Files.writeString(dir.resolve("play.yml"), yaml);
    try {
      new PlaybookLoader(dir, List.of()).load(file);
      return List.of();
    } catch (PlaybookException e) {
      return e.errors().stream().map(Object::toString).toList();
    }
  }

  /**
   * The examples name local files ({@code src: files/foo.conf}) that a real playbook would have
   * next to it; ansible-playbook's syntax check does not look for them, so give them something
   * to find. Absolute paths get nothing: those stay outside the bundle.
   */
  private static void stubLocalFiles(Path dir, Map<?, ?> task) throws Exception {
    for (Object v : task.values()) {
      if (v instanceof Map<?, ?> args && args.get("src") instanceof String src && !src.startsWith("/")
          && !src.contains("{{") && !src.contains("..") && !src.contains("://")) {
        Path f = dir.resolve(src);
        if (src.endsWith("/")) {
          Files.createDirectories(f);
          Files.writeString(f.resolve("stub"), "stub\n");
        } else {
          Files.createDirectories(f.getParent());
          Files.writeString(f, "stub\n");
        }
      }
    }
  }
}
