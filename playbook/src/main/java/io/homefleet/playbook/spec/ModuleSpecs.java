package io.homefleet.playbook.spec;

import static io.homefleet.playbook.spec.ArgSpec.Type.BOOL;
import static io.homefleet.playbook.spec.ArgSpec.Type.INT;
import static io.homefleet.playbook.spec.ArgSpec.Type.LIST;
import static io.homefleet.playbook.spec.ArgSpec.Type.PATH;
import static io.homefleet.playbook.spec.ArgSpec.Type.RAW;
import static io.homefleet.playbook.spec.ArgSpec.Type.STR;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every module homefleet knows, by short name and FQCN. The one list the controller validates
 * against; each agent module has an entry here with the same argument names.
 */
public final class ModuleSpecs {
  /** Ansible's add_file_common_args: what every file-writing module takes. */
  private static final List<ArgSpec> FILE_COMMON = List.of(
      ArgSpec.of("mode", RAW), ArgSpec.of("owner", STR), ArgSpec.of("group", STR),
      ArgSpec.of("seuser", STR), ArgSpec.of("serole", STR), ArgSpec.of("selevel", STR), ArgSpec.of("setype", STR),
      ArgSpec.of("attributes", STR).aliases("attr"), ArgSpec.of("unsafe_writes", BOOL));

  private static final List<ModuleSpec> ALL = List.of(
      ModuleSpec.builtin("ping", ArgSpec.of("data", STR)),
      ModuleSpec.builtin("command",
          ArgSpec.of("_raw_params", STR), ArgSpec.of("cmd", STR), ArgSpec.of("argv", LIST),
          ArgSpec.of("chdir", PATH), ArgSpec.of("creates", PATH), ArgSpec.of("removes", PATH),
          ArgSpec.of("stdin", STR), ArgSpec.of("stdin_add_newline", BOOL), ArgSpec.of("strip_empty_ends", BOOL),
          ArgSpec.of("expand_argument_vars", BOOL))
          .withFreeForm("_raw_params"),
      ModuleSpec.builtin("shell",
          ArgSpec.of("_raw_params", STR), ArgSpec.of("cmd", STR), ArgSpec.of("chdir", PATH),
          ArgSpec.of("creates", PATH), ArgSpec.of("removes", PATH), ArgSpec.of("executable", PATH),
          ArgSpec.of("stdin", STR), ArgSpec.of("stdin_add_newline", BOOL), ArgSpec.of("warn", RAW))
          .withFreeForm("_raw_params"),
      // The plan runner's tests need these; the modules branch carries the full specs (take its
      // version of this list when merging).
      fileModule("file",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "name"),
          ArgSpec.of("state", STR).choices("absent", "directory", "file", "hard", "link", "touch"),
          ArgSpec.of("src", PATH), ArgSpec.of("recurse", BOOL), ArgSpec.of("force", BOOL),
          ArgSpec.of("follow", BOOL), ArgSpec.of("modification_time", STR),
          ArgSpec.of("modification_time_format", STR), ArgSpec.of("access_time", STR),
          ArgSpec.of("access_time_format", STR)),
      fileModule("copy",
          ArgSpec.of("src", PATH), ArgSpec.of("content", STR), ArgSpec.of("dest", PATH).mandatory(),
          ArgSpec.of("backup", BOOL), ArgSpec.of("force", BOOL).aliases("thirsty"),
          ArgSpec.of("directory_mode", RAW), ArgSpec.of("remote_src", BOOL), ArgSpec.of("follow", BOOL),
          ArgSpec.of("local_follow", BOOL), ArgSpec.of("checksum", STR), ArgSpec.of("validate", STR),
          ArgSpec.of("decrypt", BOOL)),
      ModuleSpec.builtin("debug", ArgSpec.of("msg", RAW), ArgSpec.of("var", RAW), ArgSpec.of("verbosity", INT)),
      ModuleSpec.builtin("set_fact", ArgSpec.of("cacheable", BOOL)),
      ModuleSpec.builtin("assert",
          ArgSpec.of("that", LIST).mandatory(), ArgSpec.of("fail_msg", RAW).aliases("msg"),
          ArgSpec.of("success_msg", RAW), ArgSpec.of("quiet", BOOL)),
      ModuleSpec.builtin("fail", ArgSpec.of("msg", RAW)),
      ModuleSpec.builtin("setup",
          ArgSpec.of("gather_subset", LIST), ArgSpec.of("gather_timeout", INT), ArgSpec.of("filter", LIST),
          ArgSpec.of("fact_path", PATH)));

  private static final Map<String, ModuleSpec> BY_NAME = index(ALL);

  private ModuleSpecs() {}

  private static ModuleSpec fileModule(String name, ArgSpec... args) {
    List<ArgSpec> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(FILE_COMMON);
    return ModuleSpec.builtin(name, all.toArray(ArgSpec[]::new));
  }

  private static Map<String, ModuleSpec> index(List<ModuleSpec> specs) {
    Map<String, ModuleSpec> byName = new LinkedHashMap<>();
    for (ModuleSpec s : specs) {
      byName.put(s.name(), s);
      for (String alias : s.aliases()) {
        byName.put(alias, s);
      }
    }
    return byName;
  }

  /** The module a task names, by short name or FQCN. */
  public static Optional<ModuleSpec> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Every name a task may use, for "did you mean" suggestions. */
  public static Collection<String> names() {
    return BY_NAME.keySet();
  }

  public static List<ModuleSpec> all() {
    return ALL;
  }
}
