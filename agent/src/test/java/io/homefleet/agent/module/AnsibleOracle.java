package io.homefleet.agent.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks through Debian's ansible-playbook (ansible-core 2.14) on localhost, for tests that
 * hold a native module to Ansible's own: the same arguments, the registered results compared.
 * All tasks run in one play (one Ansible start-up), each with {@code ignore_errors}, and their
 * results come back in order from Ansible's {@code json} callback.
 */
public final class AnsibleOracle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PLAYBOOK = Path.of("/usr/bin/ansible-playbook");

  private AnsibleOracle() {}

  /** One task: the module's name, its arguments and (if any) its {@code environment:}. */
  public record Task(String module, Map<String, Object> args, Map<String, String> environment) {
    public Task(String module, Map<String, Object> args) {
      this(module, args, Map.of());
    }
  }

  /** The result of each task, as {@code register:} would hold it (without Ansible's {@code _ansible_*} keys). */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Path tmp, List<Task> tasks, boolean check, boolean diff) throws Exception {
    assertThat(PLAYBOOK).as("ansible-playbook is missing: apt-get install -y ansible-core (.ci/run does)").isExecutable();
    Path dir = Files.createDirectories(tmp.resolve("ansible-" + System.nanoTime()));
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", "t" + i);
      t.put(tasks.get(i).module(), tasks.get(i).args());
      t.put("ignore_errors", true);
      if (!tasks.get(i).environment().isEmpty()) {
        t.put("environment", tasks.get(i).environment());
      }
      list.add(t);
    }
    Map<String, Object> play = new LinkedHashMap<>();
    play.put("hosts", "localhost");
    play.put("gather_facts", false);
    play.put("tasks", list);
    // JSON is YAML: the arguments reach Ansible exactly as written.
    Files.writeString(dir.resolve("site.yml"), JSON.writeValueAsString(List.of(play)));
    List<String> argv = new ArrayList<>(List.of(PLAYBOOK.toString(), "-i", "localhost,", "-c", "local", "site.yml"));
    if (check) {
      argv.add("--check");
    }
    if (diff) {
      argv.add("--diff");
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectError(dir.resolve("ansible.err").toFile()).redirectOutput(dir.resolve("ansible.json").toFile());
    // Ansible's own temp and state under the test's dir, so nothing is left in ~/.ansible.
    pb.environment().put("ANSIBLE_HOME", dir.resolve("home").toString());
    pb.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve("tmp").toString());
    pb.environment().put("ANSIBLE_REMOTE_TEMP", dir.resolve("tmp").toString());
    pb.environment().put("ANSIBLE_LOCALHOST_WARNING", "false");
    pb.environment().put("ANSIBLE_STDOUT_CALLBACK", "json");
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ansible-playbook finished").isTrue();
    // Action plugins (pause) may display lines before the callback's JSON document.
    String text = Files.readString(dir.resolve("ansible.json"));
    JsonNode out = JSON.readTree(text.substring(Math.max(0, text.startsWith("{") ? 0 : text.indexOf("\n{") + 1)));
    List<Map<String, Object>> results = new ArrayList<>();
    for (JsonNode task : out.path("plays").path(0).path("tasks")) {
      Map<String, Object> r = JSON.convertValue(task.path("hosts").path("localhost"), Map.class);
      r.keySet().removeIf(k -> k.startsWith("_ansible") || k.equals("invocation") || k.equals("action"));
      if (r.get("ansible_facts") instanceof Map<?, ?> facts) {
        facts.remove("discovered_interpreter_python");
        if (facts.isEmpty()) {
          r.remove("ansible_facts");
        }
      }
      results.add(r);
    }
    assertThat(results).as("results of %s (stderr in %s)", tasks, dir.resolve("ansible.err")).hasSize(tasks.size());
    return results;
  }
}
