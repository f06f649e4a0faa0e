package io.homefleet.agent.module;

import io.homefleet.agent.exec.Account;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.ansible.AnsibleModule;
import io.homefleet.agent.module.copy.TemplateModule;
import io.homefleet.pki.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code copy}, {@code template}, {@code unarchive} and {@code uri} as another (non-root) user,
 * the way ansible-core 2.14's action plugins run them under become: the file from the playbook (or
 * the rendered template, or {@code content}) is put in a private temporary directory that user
 * owns, then Ansible's module of that name runs as that user with {@code src} pointing there. So
 * what it writes (and, for uri, its {@code dest}, {@code ca_path}, {@code client_cert} and
 * {@code client_key}) is that user's process's, and a path it cannot write or read fails as under
 * Ansible. A uri without {@code src} has nothing to stage: its module runs as that user at once.
 */
final class BecomeTransfer implements Module {
  /** The modules this stands in for under become; their Ansible counterparts are action plugins. */
  static final Set<String> MODULES = Set.of("copy", "template", "unarchive", "uri");

  /** Arguments only the action plugins read ({@code _create_remote_copy_args} and unarchive's). */
  private static final List<String> ACTION_ONLY = List.of("content", "decrypt", "local_follow");

  private final String name;

  BecomeTransfer(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Account user = ctx.account().orElseThrow(() -> new IllegalStateException("BecomeTransfer without a user"));
    Map<String, Object> args = new LinkedHashMap<>(raw);
    String module = name;
    String basename = null;
    if (name.equals("template")) {
      basename = Path.of(String.valueOf(raw.get("src"))).getFileName().toString();
      args = new LinkedHashMap<>(TemplateModule.asCopy(raw, ctx));
      module = "copy";
    }
    Args a = Args.of(module, args);
    if (module.equals("unarchive") && a.has("copy")) {
      if (a.has("remote_src")) {
        throw a.error("parameters are mutually exclusive: ('copy', 'remote_src')");
      }
      args.put("remote_src", !a.bool("copy", true));
      args.remove("copy");
    }
    boolean remote = Args.of(module, args).bool("remote_src", false)
        || (module.equals("unarchive") && String.valueOf(args.get("src")).contains("://"))
        || (module.equals("uri") && !a.has("src"));
    AnsibleModule ansible = new AnsibleModule("ansible.builtin." + module);
    if (remote) {
      return ansible.run(args, ctx);
    }
    Path tmp;
    try {
      tmp = Files.createTempDirectory("homefleet-become-", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new TaskException(name, "cannot make a temporary directory for " + user.name() + ": " + e.getMessage());
    }
    try {
      user.own(tmp);
      Map<String, Object> moduleArgs = stage(module, args, basename, ctx, user, tmp);
      return moduleArgs == null ? Outcome.failed("can not use content with a dir as dest") : ansible.run(moduleArgs, ctx);
    } catch (IOException e) {
      throw new TaskException(name, "cannot put the file for " + user.name() + " in " + tmp + ": " + e.getMessage());
    } finally {
      try {
        SecureFiles.deleteTree(tmp);
      } catch (IOException e) {
        ctx.log().warn("cannot remove {}: {}", tmp, e.getMessage());
      }
    }
  }

  /** The module's arguments with {@code src} in {@code tmp}; null when content meets a directory. */
  private Map<String, Object> stage(String module, Map<String, Object> args, String basename, TaskContext ctx,
      Account user, Path tmp) throws TaskException, IOException {
    Object content = args.get("content");
    Map<String, Object> out = new LinkedHashMap<>(args);
    ACTION_ONLY.forEach(out::remove);
    if (content != null) {
      Path dest = Path.of(String.valueOf(args.get("dest")));
      if (basename == null && Files.isDirectory(dest)) {
        return null;
      }
      Path source = tmp.resolve("source");
      Files.write(source, String.valueOf(content).getBytes(StandardCharsets.UTF_8));
      user.own(source);
      out.put("src", source.toString());
      out.put("_original_basename", basename == null ? "source" : basename);
      return out;
    }
    String src = Args.of(module, args).required("src");
    Path from = Path.of(src).isAbsolute() && Files.exists(Path.of(src)) ? Path.of(src)
        : ctx.bundleFile(name, src, "files");
    if (Files.isDirectory(from)) {
      // A directory goes whole, and the module copies it from this host as it would a remote one.
      Path top = tmp.resolve(from.getFileName().toString());
      copyTree(from, top, user);
      out.put("src", top + (src.endsWith("/") ? "/" : ""));
      out.put("remote_src", true);
      return out;
    }
    Path source = tmp.resolve("source");
    Files.copy(from, source, StandardCopyOption.COPY_ATTRIBUTES);
    user.own(source);
    out.put("src", source.toString());
    if (module.equals("copy")) {
      out.put("_original_basename", from.getFileName().toString());
    }
    return out;
  }

  private static void copyTree(Path from, Path to, Account user) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        user.own(target);
      }
    }
  }

  @Override
  public String toString() {
    return name + " (as another user: Ansible's module)";
  }
}
