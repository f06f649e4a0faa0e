package io.homefleet.playbook.spec;

import static io.homefleet.playbook.spec.ArgSpec.Type.BOOL;
import static io.homefleet.playbook.spec.ArgSpec.Type.DICT;
import static io.homefleet.playbook.spec.ArgSpec.Type.FLOAT;
import static io.homefleet.playbook.spec.ArgSpec.Type.INT;
import static io.homefleet.playbook.spec.ArgSpec.Type.LIST;
import static io.homefleet.playbook.spec.ArgSpec.Type.PATH;
import static io.homefleet.playbook.spec.ArgSpec.Type.RAW;
import static io.homefleet.playbook.spec.ArgSpec.Type.STR;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every module homefleet knows, by short name and FQCN. The one list the controller validates
 * against; each agent module has an entry here with the same argument names. Names, aliases,
 * choices and required flags are Ansible's: checked against ansible-core 2.14 (Debian 12's), whose
 * DOCUMENTATION blocks list the same names, plus a few arguments later releases added
 * ({@code expand_argument_vars}, {@code append_newline}/{@code prepend_newline},
 * {@code gid_min}/{@code gid_max}, {@code uid_min}/{@code uid_max}, {@code password_expire_warn},
 * group {@code force}). What homefleet accepts but ignores or refuses is in docs/modules.md.
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
          ArgSpec.of("stdin", STR), ArgSpec.of("stdin_add_newline", BOOL))
          .withFreeForm("_raw_params"),
      // _script_file: the script's place in the bundle, which the controller adds (the user never writes it).
      ModuleSpec.builtin("script",
          ArgSpec.of("_raw_params", STR), ArgSpec.of("cmd", STR), ArgSpec.of("creates", STR),
          ArgSpec.of("removes", STR), ArgSpec.of("chdir", STR), ArgSpec.of("executable", STR),
          ArgSpec.of("decrypt", BOOL), ArgSpec.of("_script_file", PATH))
          .withFreeForm("_raw_params"),
      fileModule("file",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "name"),
          ArgSpec.of("state", STR).choices("absent", "directory", "file", "hard", "link", "touch"),
          ArgSpec.of("src", PATH), ArgSpec.of("recurse", BOOL), ArgSpec.of("force", BOOL),
          ArgSpec.of("follow", BOOL), ArgSpec.of("modification_time", STR),
          ArgSpec.of("modification_time_format", STR), ArgSpec.of("access_time", STR),
          ArgSpec.of("access_time_format", STR)),
      fileModule("copy",
          ArgSpec.of("src", PATH), ArgSpec.of("content", STR), ArgSpec.of("dest", PATH).mandatory(),
          ArgSpec.of("backup", BOOL), ArgSpec.of("force", BOOL),
          ArgSpec.of("directory_mode", RAW), ArgSpec.of("remote_src", BOOL), ArgSpec.of("follow", BOOL),
          ArgSpec.of("local_follow", BOOL), ArgSpec.of("checksum", STR), ArgSpec.of("validate", STR),
          ArgSpec.of("decrypt", BOOL)),
      fileModule("template",
          ArgSpec.of("src", PATH).mandatory(), ArgSpec.of("dest", PATH).mandatory(),
          ArgSpec.of("backup", BOOL), ArgSpec.of("force", BOOL), ArgSpec.of("follow", BOOL),
          ArgSpec.of("validate", STR),
          // Ansible's docs spell these escaped ('\\n'); its action plugin takes both spellings.
          ArgSpec.of("newline_sequence", STR).choices("\\n", "\\r", "\\r\\n", "\n", "\r", "\r\n"),
          ArgSpec.of("block_start_string", STR), ArgSpec.of("block_end_string", STR),
          ArgSpec.of("variable_start_string", STR), ArgSpec.of("variable_end_string", STR),
          ArgSpec.of("comment_start_string", STR), ArgSpec.of("comment_end_string", STR),
          ArgSpec.of("trim_blocks", BOOL), ArgSpec.of("lstrip_blocks", BOOL), ArgSpec.of("output_encoding", STR)),
      fileModule("lineinfile",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "destfile", "name"),
          ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("regexp", STR).aliases("regex"), ArgSpec.of("search_string", STR),
          ArgSpec.of("line", STR).aliases("value"), ArgSpec.of("backrefs", BOOL),
          ArgSpec.of("insertafter", STR), ArgSpec.of("insertbefore", STR), ArgSpec.of("create", BOOL),
          ArgSpec.of("backup", BOOL), ArgSpec.of("firstmatch", BOOL), ArgSpec.of("validate", STR),
          ArgSpec.of("others", STR)),
      fileModule("blockinfile",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "destfile", "name"),
          ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("marker", STR), ArgSpec.of("block", STR).aliases("content"),
          ArgSpec.of("insertafter", STR), ArgSpec.of("insertbefore", STR), ArgSpec.of("create", BOOL),
          ArgSpec.of("backup", BOOL), ArgSpec.of("marker_begin", STR), ArgSpec.of("marker_end", STR),
          ArgSpec.of("append_newline", BOOL), ArgSpec.of("prepend_newline", BOOL), ArgSpec.of("validate", STR)),
      fileModule("replace",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "destfile", "name"),
          ArgSpec.of("regexp", STR).mandatory(), ArgSpec.of("replace", STR), ArgSpec.of("after", STR),
          ArgSpec.of("before", STR), ArgSpec.of("backup", BOOL), ArgSpec.of("validate", STR),
          ArgSpec.of("encoding", STR), ArgSpec.of("others", STR)),
      ModuleSpec.builtin("stat",
          ArgSpec.of("path", PATH).mandatory().aliases("dest", "name"), ArgSpec.of("follow", BOOL),
          ArgSpec.of("get_checksum", BOOL),
          ArgSpec.of("checksum_algorithm", STR).choices("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
              .aliases("checksum", "checksum_algo"),
          ArgSpec.of("get_mime", BOOL).aliases("mime", "mime_type", "mime-type"),
          ArgSpec.of("get_attributes", BOOL).aliases("attr", "attributes")),
      ModuleSpec.builtin("tempfile",
          ArgSpec.of("state", STR).choices("directory", "file"), ArgSpec.of("path", PATH),
          ArgSpec.of("prefix", STR), ArgSpec.of("suffix", STR)),
      ModuleSpec.builtin("slurp", ArgSpec.of("src", PATH).mandatory().aliases("path")),
      ModuleSpec.builtin("find",
          ArgSpec.of("paths", LIST).mandatory().aliases("name", "path"),
          ArgSpec.of("patterns", LIST).aliases("pattern"), ArgSpec.of("excludes", LIST).aliases("exclude"),
          ArgSpec.of("contains", STR), ArgSpec.of("read_whole_file", BOOL),
          ArgSpec.of("file_type", STR).choices("any", "directory", "file", "link"), ArgSpec.of("age", STR),
          ArgSpec.of("age_stamp", STR).choices("atime", "ctime", "mtime"), ArgSpec.of("size", STR),
          ArgSpec.of("recurse", BOOL), ArgSpec.of("hidden", BOOL), ArgSpec.of("follow", BOOL),
          ArgSpec.of("get_checksum", BOOL), ArgSpec.of("use_regex", BOOL), ArgSpec.of("depth", INT)),
      ModuleSpec.builtin("async_status", ArgSpec.of("jid", STR).mandatory(),
          ArgSpec.of("mode", STR).choices("cleanup", "status"), ArgSpec.of("_async_dir", PATH)),
      ModuleSpec.builtin("getent",
          ArgSpec.of("database", STR).mandatory(), ArgSpec.of("key", STR), ArgSpec.of("service", STR),
          ArgSpec.of("split", STR), ArgSpec.of("fail_key", BOOL)),
      ModuleSpec.collection("ansible.posix.sysctl",
          ArgSpec.of("name", STR).mandatory().aliases("key"), ArgSpec.of("value", STR).aliases("val"),
          ArgSpec.of("state", STR).choices("absent", "present"), ArgSpec.of("ignoreerrors", BOOL),
          ArgSpec.of("reload", BOOL), ArgSpec.of("sysctl_file", PATH), ArgSpec.of("sysctl_set", BOOL)),
      ModuleSpec.collection("community.general.modprobe",
          ArgSpec.of("name", STR).mandatory(), ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("params", STR), ArgSpec.of("persistent", STR).choices("disabled", "absent", "present")),
      // homefleet's own (no Ansible module to match): a compose project by content hash, docs/modules.md.
      ModuleSpec.homefleet("docker_compose",
          ArgSpec.of("project_name", STR).mandatory(), ArgSpec.of("project_src", PATH),
          ArgSpec.of("definition", DICT), ArgSpec.of("src", PATH), ArgSpec.of("template", PATH),
          ArgSpec.of("files", LIST), ArgSpec.of("state", STR).choices("present", "absent", "restarted"),
          ArgSpec.of("pull", STR).choices("always", "missing", "never"),
          ArgSpec.of("tool", STR).choices("auto", "docker compose", "docker-compose", "podman-compose"),
          ArgSpec.of("remove_volumes", BOOL)),
      ModuleSpec.builtin("hostname",
          ArgSpec.of("name", STR).mandatory(),
          ArgSpec.of("use", STR).choices("alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin",
              "openbsd", "openrc", "redhat", "sles", "solaris", "systemd")),
      ModuleSpec.collection("community.general.timezone",
          ArgSpec.of("hwclock", STR).choices("local", "UTC").aliases("rtc"), ArgSpec.of("name", STR)),
      ModuleSpec.collection("ansible.posix.mount",
          ArgSpec.of("path", PATH).mandatory().aliases("name"),
          ArgSpec.of("state", STR).mandatory().choices("absent", "absent_from_fstab", "mounted", "present",
              "unmounted", "remounted", "ephemeral"),
          ArgSpec.of("src", PATH), ArgSpec.of("fstype", STR), ArgSpec.of("opts", STR), ArgSpec.of("dump", STR),
          ArgSpec.of("passno", STR), ArgSpec.of("fstab", STR), ArgSpec.of("boot", BOOL), ArgSpec.of("backup", BOOL)),
      fileModule("uri",
          ArgSpec.of("url", STR).mandatory(), ArgSpec.of("method", STR), ArgSpec.of("body", RAW),
          ArgSpec.of("body_format", STR).choices("form-urlencoded", "json", "raw", "form-multipart"),
          ArgSpec.of("headers", DICT), ArgSpec.of("status_code", LIST), ArgSpec.of("return_content", BOOL),
          ArgSpec.of("dest", PATH), ArgSpec.of("creates", PATH), ArgSpec.of("removes", PATH),
          ArgSpec.of("timeout", INT), ArgSpec.of("follow_redirects", STR)
              .choices("all", "no", "none", "safe", "urllib2", "yes"),
          ArgSpec.of("url_username", STR).aliases("user"), ArgSpec.of("url_password", STR).aliases("password"),
          ArgSpec.of("force_basic_auth", BOOL), ArgSpec.of("validate_certs", BOOL), ArgSpec.of("ca_path", PATH),
          ArgSpec.of("client_cert", PATH), ArgSpec.of("client_key", PATH), ArgSpec.of("unix_socket", PATH),
          ArgSpec.of("src", PATH), ArgSpec.of("remote_src", BOOL), ArgSpec.of("http_agent", STR),
          ArgSpec.of("use_proxy", BOOL), ArgSpec.of("unredirected_headers", LIST), ArgSpec.of("decompress", BOOL),
          ArgSpec.of("use_gssapi", BOOL), ArgSpec.of("use_netrc", BOOL), ArgSpec.of("ciphers", LIST),
          ArgSpec.of("force", BOOL)),
      ModuleSpec.builtin("pause",
          ArgSpec.of("minutes", RAW), ArgSpec.of("seconds", RAW), ArgSpec.of("prompt", STR), ArgSpec.of("echo", BOOL)),
      ModuleSpec.builtin("reboot",
          ArgSpec.of("reboot_timeout", INT), ArgSpec.of("connect_timeout", INT), ArgSpec.of("msg", STR),
          ArgSpec.of("pre_reboot_delay", INT), ArgSpec.of("post_reboot_delay", INT), ArgSpec.of("test_command", STR),
          ArgSpec.of("boot_time_command", STR), ArgSpec.of("reboot_command", STR), ArgSpec.of("search_paths", LIST)),
      ModuleSpec.builtin("wait_for",
          ArgSpec.of("host", STR), ArgSpec.of("timeout", INT), ArgSpec.of("connect_timeout", INT),
          ArgSpec.of("delay", INT), ArgSpec.of("port", INT), ArgSpec.of("active_connection_states", LIST),
          ArgSpec.of("path", PATH), ArgSpec.of("search_regex", STR),
          ArgSpec.of("state", STR).choices("absent", "drained", "present", "started", "stopped"),
          ArgSpec.of("exclude_hosts", LIST), ArgSpec.of("sleep", INT), ArgSpec.of("msg", STR)),
      ModuleSpec.builtin("apt",
          ArgSpec.of("name", LIST).aliases("package", "pkg"),
          ArgSpec.of("state", STR).choices("absent", "build-dep", "latest", "present", "fixed"),
          ArgSpec.of("update_cache", BOOL).aliases("update-cache"), ArgSpec.of("update_cache_retries", INT),
          ArgSpec.of("update_cache_retry_max_delay", INT), ArgSpec.of("cache_valid_time", INT),
          ArgSpec.of("purge", BOOL), ArgSpec.of("default_release", STR).aliases("default-release"),
          ArgSpec.of("install_recommends", BOOL).aliases("install-recommends"), ArgSpec.of("force", BOOL),
          ArgSpec.of("clean", BOOL),
          ArgSpec.of("allow_unauthenticated", BOOL).aliases("allow-unauthenticated"),
          ArgSpec.of("allow_downgrade", BOOL).aliases("allow-downgrade", "allow_downgrades", "allow-downgrades"),
          ArgSpec.of("allow_change_held_packages", BOOL),
          ArgSpec.of("upgrade", STR).choices("dist", "full", "no", "safe", "yes"),
          ArgSpec.of("dpkg_options", STR), ArgSpec.of("deb", PATH), ArgSpec.of("autoremove", BOOL),
          ArgSpec.of("autoclean", BOOL), ArgSpec.of("policy_rc_d", INT), ArgSpec.of("only_upgrade", BOOL),
          ArgSpec.of("fail_on_autoremove", BOOL), ArgSpec.of("force_apt_get", BOOL), ArgSpec.of("lock_timeout", INT)),
      ModuleSpec.builtin("apt_repository",
          ArgSpec.of("repo", STR).mandatory(), ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("mode", RAW), ArgSpec.of("update_cache", BOOL).aliases("update-cache"),
          ArgSpec.of("update_cache_retries", INT), ArgSpec.of("update_cache_retry_max_delay", INT),
          ArgSpec.of("validate_certs", BOOL), ArgSpec.of("filename", STR), ArgSpec.of("codename", STR),
          ArgSpec.of("install_python_apt", BOOL)),
      ModuleSpec.builtin("apt_key",
          ArgSpec.of("id", STR), ArgSpec.of("data", STR), ArgSpec.of("file", PATH), ArgSpec.of("keyring", PATH),
          ArgSpec.of("url", STR), ArgSpec.of("keyserver", STR), ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("validate_certs", BOOL)),
      // The manager's module validates the rest of package's arguments, as under Ansible's action plugin.
      ModuleSpec.builtin("package",
          ArgSpec.of("name", LIST).mandatory(), ArgSpec.of("state", STR), ArgSpec.of("use", STR)).withAnyKeys(),
      ModuleSpec.builtin("service_facts"),
      ModuleSpec.builtin("package_facts",
          ArgSpec.of("manager", LIST).choices("auto", "rpm", "apt", "portage", "pkg", "pacman", "apk", "pkg_info"),
          ArgSpec.of("strategy", STR).choices("first", "all")),
      ModuleSpec.builtin("systemd",
          ArgSpec.of("name", STR).aliases("service", "unit"),
          ArgSpec.of("state", STR).choices("reloaded", "restarted", "started", "stopped"),
          ArgSpec.of("enabled", BOOL), ArgSpec.of("force", BOOL), ArgSpec.of("masked", BOOL),
          ArgSpec.of("daemon_reload", BOOL).aliases("daemon-reload"),
          ArgSpec.of("daemon_reexec", BOOL).aliases("daemon-reexec"),
          ArgSpec.of("scope", STR).choices("system", "user", "global"), ArgSpec.of("no_block", BOOL))
          .withAliases("systemd_service", "ansible.builtin.systemd_service", "ansible.legacy.systemd_service"),
      ModuleSpec.builtin("service",
          ArgSpec.of("name", STR).mandatory(),
          ArgSpec.of("state", STR).choices("reloaded", "restarted", "started", "stopped"),
          ArgSpec.of("sleep", INT), ArgSpec.of("pattern", STR), ArgSpec.of("enabled", BOOL),
          ArgSpec.of("runlevel", STR), ArgSpec.of("arguments", STR).aliases("args"), ArgSpec.of("use", STR)),
      ModuleSpec.builtin("user",
          ArgSpec.of("name", STR).mandatory().aliases("user"),
          ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("uid", INT), ArgSpec.of("non_unique", BOOL), ArgSpec.of("group", STR),
          ArgSpec.of("groups", LIST), ArgSpec.of("append", BOOL), ArgSpec.of("shell", STR),
          ArgSpec.of("home", PATH), ArgSpec.of("skeleton", STR), ArgSpec.of("password", STR),
          ArgSpec.of("comment", STR), ArgSpec.of("create_home", BOOL).aliases("createhome"),
          ArgSpec.of("move_home", BOOL), ArgSpec.of("system", BOOL), ArgSpec.of("force", BOOL),
          ArgSpec.of("remove", BOOL), ArgSpec.of("login_class", STR), ArgSpec.of("generate_ssh_key", BOOL),
          ArgSpec.of("ssh_key_bits", INT), ArgSpec.of("ssh_key_type", STR), ArgSpec.of("ssh_key_file", PATH),
          ArgSpec.of("ssh_key_comment", STR), ArgSpec.of("ssh_key_passphrase", STR),
          ArgSpec.of("update_password", STR).choices("always", "on_create"), ArgSpec.of("expires", FLOAT),
          ArgSpec.of("password_lock", BOOL), ArgSpec.of("local", BOOL), ArgSpec.of("profile", STR),
          ArgSpec.of("authorization", STR), ArgSpec.of("role", STR), ArgSpec.of("umask", STR),
          ArgSpec.of("password_expire_max", INT), ArgSpec.of("password_expire_min", INT),
          ArgSpec.of("password_expire_warn", INT), ArgSpec.of("hidden", BOOL), ArgSpec.of("seuser", STR),
          ArgSpec.of("uid_min", INT), ArgSpec.of("uid_max", INT)),
      ModuleSpec.builtin("group",
          ArgSpec.of("name", STR).mandatory(), ArgSpec.of("gid", INT),
          ArgSpec.of("state", STR).choices("absent", "present"), ArgSpec.of("force", BOOL),
          ArgSpec.of("system", BOOL), ArgSpec.of("local", BOOL), ArgSpec.of("non_unique", BOOL),
          ArgSpec.of("gid_min", INT), ArgSpec.of("gid_max", INT)),
      ModuleSpec.collection("ansible.posix.authorized_key",
          ArgSpec.of("user", STR).mandatory(), ArgSpec.of("key", STR).mandatory(), ArgSpec.of("path", PATH),
          ArgSpec.of("manage_dir", BOOL), ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("key_options", STR), ArgSpec.of("exclusive", BOOL), ArgSpec.of("comment", STR),
          ArgSpec.of("validate_certs", BOOL), ArgSpec.of("follow", BOOL)),
      ModuleSpec.builtin("cron",
          ArgSpec.of("name", STR).mandatory(), ArgSpec.of("user", STR), ArgSpec.of("job", STR).aliases("value"),
          ArgSpec.of("cron_file", PATH), ArgSpec.of("state", STR).choices("absent", "present"),
          ArgSpec.of("backup", BOOL), ArgSpec.of("minute", STR), ArgSpec.of("hour", STR),
          ArgSpec.of("day", STR).aliases("dom"), ArgSpec.of("month", STR), ArgSpec.of("weekday", STR).aliases("dow"),
          ArgSpec.of("special_time", STR).choices("annually", "daily", "hourly", "monthly", "reboot", "weekly",
              "yearly"),
          ArgSpec.of("disabled", BOOL), ArgSpec.of("env", BOOL), ArgSpec.of("insertafter", STR),
          ArgSpec.of("insertbefore", STR)),
      fileModule("get_url",
          ArgSpec.of("url", STR).mandatory(), ArgSpec.of("dest", PATH).mandatory(),
          ArgSpec.of("url_username", STR).aliases("username"), ArgSpec.of("url_password", STR).aliases("password"),
          ArgSpec.of("force", BOOL), ArgSpec.of("backup", BOOL), ArgSpec.of("checksum", STR),
          ArgSpec.of("use_proxy", BOOL), ArgSpec.of("validate_certs", BOOL), ArgSpec.of("timeout", INT),
          ArgSpec.of("headers", DICT), ArgSpec.of("tmp_dest", PATH), ArgSpec.of("http_agent", STR),
          ArgSpec.of("force_basic_auth", BOOL), ArgSpec.of("client_cert", PATH), ArgSpec.of("client_key", PATH),
          ArgSpec.of("use_gssapi", BOOL), ArgSpec.of("use_netrc", BOOL), ArgSpec.of("ciphers", LIST),
          ArgSpec.of("unredirected_headers", LIST), ArgSpec.of("decompress", BOOL)),
      fileModule("unarchive",
          ArgSpec.of("src", PATH).mandatory(), ArgSpec.of("dest", PATH).mandatory(),
          ArgSpec.of("remote_src", BOOL), ArgSpec.of("creates", PATH), ArgSpec.of("list_files", BOOL),
          ArgSpec.of("keep_newer", BOOL), ArgSpec.of("exclude", LIST), ArgSpec.of("include", LIST),
          ArgSpec.of("extra_opts", LIST), ArgSpec.of("io_buffer_size", INT), ArgSpec.of("validate_certs", BOOL),
          ArgSpec.of("decrypt", BOOL), ArgSpec.of("copy", BOOL)),
      ModuleSpec.builtin("debug", ArgSpec.of("msg", RAW), ArgSpec.of("var", RAW), ArgSpec.of("verbosity", INT)),
      ModuleSpec.builtin("set_fact", ArgSpec.of("cacheable", BOOL)).withFreeForm("_raw_params").withAnyKeys(),
      ModuleSpec.builtin("assert",
          ArgSpec.of("that", LIST).mandatory(), ArgSpec.of("fail_msg", RAW).aliases("msg"),
          ArgSpec.of("success_msg", RAW), ArgSpec.of("quiet", BOOL)),
      ModuleSpec.builtin("fail", ArgSpec.of("msg", RAW)),
      // homefleet's own (no Ansible twin): back to the image's baseline (docs/modules.md, "wipe").
      ModuleSpec.homefleet("wipe", ArgSpec.of("baseline", PATH), ArgSpec.of("data_paths", LIST),
          ArgSpec.of("exclude", LIST), ArgSpec.of("allowed_roles", LIST), ArgSpec.of("regenerate_machine_id", BOOL),
          ArgSpec.of("regenerate_host_keys", BOOL), ArgSpec.of("reenroll", BOOL), ArgSpec.of("enroll_file", PATH),
          ArgSpec.of("every_days", INT)),
      // include_vars and fetch run on the host's play worker, which asks the controller (PlayCalls).
      ModuleSpec.builtin("include_vars",
          ArgSpec.of("_raw_params", STR), ArgSpec.of("file", PATH), ArgSpec.of("dir", PATH), ArgSpec.of("name", STR),
          ArgSpec.of("depth", INT), ArgSpec.of("files_matching", STR), ArgSpec.of("ignore_files", LIST),
          ArgSpec.of("extensions", LIST), ArgSpec.of("ignore_unknown_extensions", BOOL),
          ArgSpec.of("hash_behaviour", STR).choices("replace", "merge"))
          .withFreeForm("_raw_params"),
      ModuleSpec.builtin("fetch",
          ArgSpec.of("src", PATH).mandatory(), ArgSpec.of("dest", PATH).mandatory(), ArgSpec.of("flat", BOOL),
          ArgSpec.of("fail_on_missing", BOOL), ArgSpec.of("validate_checksum", BOOL)),
      ModuleSpec.builtin("setup",
          ArgSpec.of("gather_subset", LIST), ArgSpec.of("gather_timeout", INT), ArgSpec.of("filter", LIST),
          ArgSpec.of("fact_path", PATH)),
      // homefleet's own: restic backups (docs/backups.md). Every one takes the repository arguments.
      ModuleSpec.homefleet("restic_backup", restic(
          ArgSpec.of("paths", LIST).mandatory(), ArgSpec.of("excludes", LIST), ArgSpec.of("tags", LIST),
          ArgSpec.of("host", STR), ArgSpec.of("init", BOOL), ArgSpec.of("keep_last", INT),
          ArgSpec.of("keep_hourly", INT), ArgSpec.of("keep_daily", INT), ArgSpec.of("keep_weekly", INT),
          ArgSpec.of("keep_monthly", INT), ArgSpec.of("keep_yearly", INT), ArgSpec.of("prune", BOOL),
          ArgSpec.of("canary_files", LIST), ArgSpec.of("max_age", STR))),
      ModuleSpec.homefleet("restic_restore", restic(
          ArgSpec.of("target", PATH).mandatory(), ArgSpec.of("snapshot", STR), ArgSpec.of("include", LIST),
          ArgSpec.of("exclude", LIST), ArgSpec.of("verify", BOOL), ArgSpec.of("host", STR),
          ArgSpec.of("paths", LIST), ArgSpec.of("tags", LIST))),
      ModuleSpec.homefleet("restic_check", restic(
          ArgSpec.of("read_data", BOOL), ArgSpec.of("read_data_subset", STR), ArgSpec.of("max_age", STR))),
      ModuleSpec.homefleet("restic_canary", restic(
          ArgSpec.of("files", LIST), ArgSpec.of("snapshot", STR),
          ArgSpec.of("against", STR).choices("recorded", "live"))));

  private static final Map<String, ModuleSpec> BY_NAME = index(ALL);

  private ModuleSpecs() {}

  private static ModuleSpec fileModule(String name, ArgSpec... own) {
    List<ArgSpec> args = new ArrayList<>(List.of(own));
    args.addAll(FILE_COMMON);
    return ModuleSpec.builtin(name, args.toArray(ArgSpec[]::new));
  }

  /** A restic module's own arguments and the repository's, which every restic module takes. */
  private static ArgSpec[] restic(ArgSpec... own) {
    List<ArgSpec> args = new ArrayList<>(List.of(own));
    args.addAll(List.of(ArgSpec.of("repository", STR).mandatory().aliases("repo"), ArgSpec.of("password_file", PATH),
        ArgSpec.of("password", STR), ArgSpec.of("ssh_key", PATH), ArgSpec.of("ssh_known_hosts", PATH),
        ArgSpec.of("rest_username", STR), ArgSpec.of("rest_password", STR), ArgSpec.of("cache_dir", PATH)));
    return args.toArray(ArgSpec[]::new);
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
