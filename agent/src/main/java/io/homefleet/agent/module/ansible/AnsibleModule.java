package io.homefleet.agent.module.ansible;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.command.ProcessRunner;
import io.homefleet.pki.SecureFiles;
import io.homefleet.playbook.model.JsonValues;
import io.homefleet.playbook.source.KeyValueArgs;
import io.homefleet.playbook.spec.AnsibleModules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module homefleet has no native implementation of, run through Ansible's own code as Salt's
 * ansiblegate does: {@code python3 -m ansible.modules.NAME} (or the collection's module) with
 * {@code {"ANSIBLE_MODULE_ARGS": ...}} on stdin, the way Ansible's module wrapper hands them over,
 * check mode and diff included; the JSON the module prints is the task's result. The interpreter
 * is {@code ansible_python_interpreter} when the host's variables set it, else Debian's
 * {@code /usr/bin/python3}, which is where Debian's ansible-core lives.
 */
public final class AnsibleModule implements Module {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
  private static final List<String> COLLECTION_ROOTS = List.of(System.getProperty("user.home") + "/.ansible/collections",
      "/usr/share/ansible/collections");

  private final String fqcn;

  public AnsibleModule(String fqcn) {
    this.fqcn = fqcn;
  }

  /** Whether a plan's module name can only mean an Ansible module: a fully qualified one. */
  public static boolean names(String module) {
    return module.split("\\.", 3).length == 3;
  }

  @Override
  public String name() {
    return fqcn;
  }

  @Override
  public Outcome run(Map<String, Object> args, TaskContext ctx) throws TaskException, InterruptedException {
    String python = interpreter(ctx);
    Path tmp;
    try {
      // The play's work dir is the agent's alone: a module run as another user gets a directory of its own.
      tmp = ctx.account().isEmpty() ? Files.createTempDirectory(ctx.workDir(), "ansible-")
          : Files.createTempDirectory("ansible-");
      if (ctx.account().isPresent()) {
        ctx.account().get().own(tmp);
      }
    } catch (IOException e) {
      throw new TaskException(fqcn, "cannot make a temporary directory in " + ctx.workDir() + ": " + e.getMessage());
    }
    try {
      Outcome raw = ProcessRunner.run(List.of(python, "-m", AnsibleModules.Resolution.Module.pythonName(fqcn)), null,
          environment(), input(args, ctx, tmp), false, ctx);
      return result(raw);
    } catch (IOException e) {
      return Outcome.failed(fqcn + " runs Ansible's own module with python3, and " + python + " cannot be started ("
          + e.getMessage() + "): apt-get install python3 ansible-core, or set ansible_python_interpreter");
    } finally {
      delete(tmp);
    }
  }

  private static String interpreter(TaskContext ctx) {
    if (ctx.vars().get("ansible_python_interpreter") instanceof String s && !s.isBlank() && !s.startsWith("auto")) {
      return s;
    }
    return Files.isExecutable(DEBIAN_PYTHON) ? DEBIAN_PYTHON.toString() : "python3";
  }

  /** Collections installed outside python's own path, which Ansible also searches. */
  private static Map<String, String> environment() {
    List<String> roots = new ArrayList<>();
    for (String r : COLLECTION_ROOTS) {
      if (Files.isDirectory(Path.of(r, "ansible_collections"))) {
        roots.add(r);
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    if (!roots.isEmpty()) {
      env.put("PYTHONPATH", String.join(":", roots));
    }
    return env;
  }

  /** The arguments and the internal ones Ansible's executor adds ({@code module_common}'s PASS_VARS). */
  private byte[] input(Map<String, Object> args, TaskContext ctx, Path tmp) throws TaskException {
    Map<String, Object> all = new LinkedHashMap<>();
    args.forEach((k, v) -> {
      if (v != null && !k.equals("_raw_params")) {
        all.put(k, v);
      }
    });
    if (args.get("_raw_params") instanceof String line) {
      // An ad-hoc -a 'k=v ...': Ansible's parse_kv, since none of the modules run this way is free-form.
      try {
        all.putAll(KeyValueArgs.keyValues(line));
      } catch (IllegalArgumentException e) {
        throw new TaskException(fqcn, e.getMessage() + " (give the arguments as key=value)");
      }
    }
    all.put("_ansible_check_mode", ctx.checkMode());
    all.put("_ansible_diff", ctx.diff());
    all.put("_ansible_no_log", Boolean.TRUE.equals(ctx.vars().get("ansible_no_log")));
    all.put("_ansible_verbosity", 0);
    all.put("_ansible_module_name", fqcn.substring(fqcn.lastIndexOf('.') + 1));
    all.put("_ansible_tmpdir", tmp.toString());
    all.put("_ansible_remote_tmp", tmp.toString());
    all.put("_ansible_keep_remote_files", false);
    all.put("_ansible_string_conversion_action", "warn");
    all.put("_ansible_shell_executable", "/bin/sh");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      JsonValues.write(g, Map.of("ANSIBLE_MODULE_ARGS", all));
    } catch (IOException | RuntimeException e) {
      throw new TaskException(fqcn, "cannot pass the arguments as JSON: " + e.getMessage());
    }
    return out.toByteArray();
  }

  /** The module's JSON as homefleet's result; no JSON is Ansible's MODULE FAILURE. */
  private Outcome result(Outcome raw) {
    if (raw.status() == Outcome.Status.TIMED_OUT || raw.status() == Outcome.Status.CANCELLED) {
      return raw;
    }
    Map<String, Object> json = parse(raw.stdout());
    if (json == null) {
      return moduleFailure(raw);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    json.forEach((k, v) -> {
      if (!k.startsWith("_ansible_")) {
        data.put(k, v);
      }
    });
    // rc stays in the data, so register: has it even when it is 0; the output goes in the outcome's own fields.
    Object rcValue = data.get("rc");
    int rc = rcValue instanceof Number n ? n.intValue() : 0;
    String stdout = text(data.remove("stdout"));
    String stderr = text(data.remove("stderr"));
    data.remove("stdout_lines");
    data.remove("stderr_lines");
    String msg = text(data.remove("msg"));
    boolean failed = truthy(data.get("failed")) || (rcValue != null && rc != 0 && !data.containsKey("failed"));
    data.remove("failed");
    data.remove("changed");
    if (failed) {
      data.put("failed", true);
      if (!msg.isEmpty()) {
        data.put("msg", msg);
      }
      return new Outcome(Outcome.Status.FAILED, rc == 0 ? 1 : rc, stdout, stderr, msg.isEmpty() ? "module failed" : msg,
          data, raw.stdoutTruncated(), raw.stderrTruncated());
    }
    if (truthy(json.get("skipped"))) {
      data.remove("skipped");
      return new Outcome(Outcome.Status.SKIPPED, rc, stdout, stderr, msg, data, false, false);
    }
    boolean changed = truthy(json.get("changed"));
    if (!msg.isEmpty()) {
      data.put("msg", msg);
    }
    data.put("changed", changed);
    return new Outcome(changed ? Outcome.Status.CHANGED : Outcome.Status.OK, rc, stdout, stderr, msg, data,
        raw.stdoutTruncated(), raw.stderrTruncated());
  }

  private Outcome moduleFailure(Outcome raw) {
    String err = raw.stderr();
    String msg;
    if (err.contains("No module named 'ansible'") || err.contains("No module named ansible")) {
      msg = fqcn + " runs Ansible's own module code with python3, and this host has no ansible-core for it: "
          + "apt-get install ansible-core (or set ansible_python_interpreter to a python that has it)";
    } else if (err.contains("No module named 'ansible_collections")) {
      msg = fqcn + " needs the " + fqcn.substring(0, fqcn.lastIndexOf('.')) + " collection on this host: apt-get "
          + "install ansible (Debian's collections), or ansible-galaxy collection install "
          + fqcn.substring(0, fqcn.lastIndexOf('.'));
    } else {
      msg = "MODULE FAILURE\nSee stdout/stderr for the exact error";
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("failed", true);
    data.put("msg", msg);
    data.put("module_stdout", raw.stdout());
    data.put("module_stderr", raw.stderr());
    return new Outcome(Outcome.Status.FAILED, raw.rc() == 0 ? 1 : raw.rc(), "", "", msg, data, false, false);
  }

  /**
   * The JSON object in a module's stdout. As Ansible's {@code _filter_non_json_lines}: lines before
   * the first that starts with '{' and text after the last '}' are noise (a motd, a library's print).
   */
  static Map<String, Object> parse(String stdout) {
    int start = -1;
    for (int i = 0; i < stdout.length(); i = stdout.indexOf('\n', i) + 1) {
      if (stdout.startsWith("{", i)) {
        start = i;
        break;
      }
      if (stdout.indexOf('\n', i) < 0) {
        break;
      }
    }
    int end = stdout.lastIndexOf('}');
    if (start < 0 || end < start) {
      return null;
    }
    try (JsonParser p = JSON.createParser(stdout.substring(start, end + 1))) {
      p.nextToken();
      Object v = JsonValues.read(p, false);
      if (v instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean truthy(Object v) {
    return Boolean.TRUE.equals(v) || (v instanceof String s && List.of("true", "yes", "1").contains(s.toLowerCase()))
        || (v instanceof Number n && n.intValue() != 0);
  }

  private static String text(Object v) {
    return v == null ? "" : v instanceof String s ? s : String.valueOf(v);
  }

  private static void delete(Path dir) {
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      // A module's leftovers in the play's work dir go with it.
    }
  }

  @Override
  public String toString() {
    return fqcn + " (python)";
  }
}
