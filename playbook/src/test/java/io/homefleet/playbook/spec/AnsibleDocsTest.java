package io.homefleet.playbook.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link ModuleSpecs} to Ansible's own documentation: every option each module's
 * DOCUMENTATION lists (with its doc fragments: files, backup, validate, ...) must be in the spec
 * with the same aliases and required flag and (at least) its choices, and every argument used in the module's
 * EXAMPLES must be one the spec accepts. Reads the module sources of Debian's
 * {@code ansible-core} (apt install ansible-core), or the directory in
 * {@code -Dhomefleet.ansible.modules}; skipped, saying so, where neither is there.
 */
class AnsibleDocsTest {
  private static final Path MODULES = Path.of(System.getProperty("homefleet.ansible.modules",
      "/usr/lib/python3/dist-packages/ansible/modules"));
  /** Options Ansible documents that are not arguments: the free form's name, set_fact's keys. */
  private static final Set<String> PSEUDO = Set.of("free_form", "free-form", "key_value");
  /** Arguments in later ansible-core releases than Debian 12's 2.14, which homefleet takes too. */
  private static final Set<String> NEWER = Set.of("command.expand_argument_vars", "blockinfile.append_newline",
      "blockinfile.prepend_newline", "group.force", "group.gid_min", "group.gid_max", "user.password_expire_warn",
      "user.uid_min", "user.uid_max");
  /** Documented as required, but Ansible's action plugin never checks it (package passes state on to apt). */
  private static final Set<String> NOT_CHECKED_REQUIRED = Set.of("package.state");
  private static final Set<String> TASK_KEYWORDS = Set.of("name", "when", "loop", "with_items", "register",
      "notify", "become", "become_user", "become_method", "tags", "vars", "changed_when", "failed_when",
      "ignore_errors", "check_mode", "diff", "delegate_to", "run_once", "environment", "args", "no_log",
      "with_dict", "with_fileglob", "until", "retries", "delay", "async", "poll", "listen", "loop_control");
  private static final YAMLMapper YAML = new YAMLMapper();

  @BeforeAll
  static void needsAnsibleSources() {
    assumeTrue(Files.isDirectory(MODULES), "ansible-core's module sources are not at " + MODULES
        + " (apt install ansible-core, or -Dhomefleet.ansible.modules=DIR): comparison with Ansible's docs skipped");
  }

  @Test
  void everyDocumentedOption_isInTheSpec_withAnsiblesAliasesRequiredAndChoices() throws IOException {
    List<String> problems = new ArrayList<>();
    for (ModuleSpec spec : ModuleSpecs.all()) {
      if (spec.homefleetOwn()) {
        continue;
      }
      Map<String, Object> options = documentedOptions(spec);
      Map<String, ArgSpec> mine = spec.argsByName();
      for (Map.Entry<String, Object> e : options.entrySet()) {
        if (PSEUDO.contains(e.getKey())) {
          continue;
        }
        ArgSpec a = mine.get(e.getKey());
        Map<?, ?> doc = e.getValue() instanceof Map<?, ?> m ? m : Map.of();
        if (a == null || !a.name().equals(e.getKey())) {
          problems.add(spec.name() + ": no argument " + e.getKey());
          continue;
        }
        Set<String> aliases = new HashSet<>(strings(doc.get("aliases")));
        if (!aliases.equals(new HashSet<>(a.aliases()))) {
          problems.add(spec.name() + "." + a.name() + ": aliases " + a.aliases() + ", Ansible's " + aliases);
        }
        if (Boolean.TRUE.equals(doc.get("required")) != a.required()
            && !NOT_CHECKED_REQUIRED.contains(spec.name() + "." + a.name())) {
          problems.add(spec.name() + "." + a.name() + ": required " + a.required());
        }
        List<String> choices = strings(doc.get("choices"));
        if (!choices.isEmpty() && !"bool".equals(doc.get("type")) && choices.stream().noneMatch(c -> c.startsWith("*"))
            && !new HashSet<>(a.choices()).containsAll(choices)) {
          problems.add(spec.name() + "." + a.name() + ": choices " + a.choices() + ", Ansible's " + choices);
        }
      }
      for (ArgSpec a : spec.args()) {
        if (!a.name().startsWith("_") && !options.containsKey(a.name()) && !NEWER.contains(spec.name() + "." + a.name())) {
          problems.add(spec.name() + ": " + a.name() + " is not an Ansible argument");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyExamplesTask_usesOnlyArgumentsTheSpecAccepts() throws IOException {
    List<String> problems = new ArrayList<>();
    int tasks = 0;
    for (ModuleSpec spec : ModuleSpecs.all()) {
      if (spec.homefleetOwn()) {
        continue;
      }
      Object examples = YAML.readValue(block(source(spec), "EXAMPLES").orElse("[]"), Object.class);
      for (Map<?, ?> task : tasks(examples)) {
        Optional<?> key = task.keySet().stream().filter(k -> ModuleSpecs.find(String.valueOf(k)).isPresent()
            && !TASK_KEYWORDS.contains(String.valueOf(k))).findFirst();
        if (key.isEmpty()) {
          continue;
        }
        ModuleSpec used = ModuleSpecs.find(String.valueOf(key.get())).orElseThrow();
        tasks++;
        Map<String, Object> args = new LinkedHashMap<>();
        Object a = task.get(key.get());
        if (a instanceof Map<?, ?> m) {
          m.forEach((k, v) -> args.put(String.valueOf(k), v));
        } else if (a instanceof String s && used.freeForm().isEmpty()) {
          for (String word : s.split("\\s+")) {
            if (word.contains("=")) {
              args.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            }
          }
        }
        if (task.get("args") instanceof Map<?, ?> m) {
          m.forEach((k, v) -> args.put(String.valueOf(k), v));
        }
        for (String arg : args.keySet()) {
          if (!used.anyKeys() && !used.argsByName().containsKey(arg)) {
            problems.add(used.name() + ": '" + task.get("name") + "' uses " + arg);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(tasks).as("EXAMPLES tasks read").isGreaterThan(100);
  }

  private static List<Map<?, ?>> tasks(Object node) {
    List<Map<?, ?>> out = new ArrayList<>();
    if (node instanceof List<?> l) {
      l.forEach(x -> out.addAll(tasks(x)));
    } else if (node instanceof Map<?, ?> m) {
      if (m.containsKey("block")) {
        out.addAll(tasks(m.get("block")));
      } else if (m.containsKey("tasks")) {
        out.addAll(tasks(m.get("tasks")));
      } else {
        out.add(m);
      }
    }
    return out;
  }

  private static Map<String, Object> documentedOptions(ModuleSpec module) throws IOException {
    Map<?, ?> doc = YAML.readValue(block(source(module), "DOCUMENTATION").orElseThrow(), Map.class);
    Map<String, Object> options = new LinkedHashMap<>();
    if (doc.get("options") instanceof Map<?, ?> o) {
      o.forEach((k, v) -> options.put(String.valueOf(k), v));
    }
    for (String fragment : strings(doc.get("extends_documentation_fragment"))) {
      String[] parts = fragment.replace("ansible.builtin.", "").split("\\.");
      Path file = MODULES.resolveSibling("plugins").resolve("doc_fragments").resolve(parts[0] + ".py");
      if (!Files.exists(file)) {
        continue;
      }
      String name = parts.length > 1 ? parts[1].toUpperCase(java.util.Locale.ROOT) : "DOCUMENTATION";
      Optional<String> text = block(Files.readString(file), name);
      if (text.isPresent() && YAML.readValue(text.get(), Map.class).get("options") instanceof Map<?, ?> o) {
        o.forEach((k, v) -> options.putIfAbsent(String.valueOf(k), v));
      }
    }
    return options;
  }

  /** ansible-core's module, or a collection's from Debian's ansible package (apt install ansible). */
  private static String source(ModuleSpec module) throws IOException {
    if (module.collection().isEmpty()) {
      return Files.readString(MODULES.resolve(module.name() + ".py"));
    }
    Path collections = MODULES.getParent().resolveSibling("ansible_collections");
    Path file = collections.resolve(module.collection().get().replace('.', '/')).resolve("plugins/modules")
        .resolve(module.name() + ".py");
    assertThat(file).as("%s's source (apt install ansible: Debian's collections)", module.aliases().get(0)).exists();
    return Files.readString(file);
  }

  /** The text of {@code NAME = r'''...'''} in a Python source. */
  private static Optional<String> block(String python, String name) {
    Matcher m = Pattern.compile("(?s)\\n\\s*" + name + "\\s*=\\s*r?('''|\"\"\")(.*?)\\1").matcher(python);
    return m.find() ? Optional.of(m.group(2)) : Optional.empty();
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    } else if (o != null) {
      out.add(String.valueOf(o));
    }
    return out;
  }
}
