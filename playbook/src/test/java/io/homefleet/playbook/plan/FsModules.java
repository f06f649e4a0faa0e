package io.homefleet.playbook.plan;

import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.run.ModuleInvoker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A few real modules on the file system, for running plans in tests: {@code copy} (content or
 * src to dest, with check and diff), {@code file} (touch, absent, directory), {@code shell} and
 * {@code command} (real processes, with the task's environment), {@code setup} and {@code ping}.
 * It also records each call so tests can see what the runner handed over.
 */
final class FsModules implements ModuleInvoker {
  record Call(String module, Map<String, Object> args, InvocationContext context) {}

  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  @Override
  public ModuleResult invoke(String module, Map<String, Object> args, InvocationContext context)
      throws InterruptedException {
    calls.add(new Call(module, args, context));
    try {
      return switch (module) {
        case "copy" -> copy(args, context);
        case "file" -> file(args, context);
        case "shell" -> process(List.of("/bin/sh", "-c", String.valueOf(args.get("_raw_params"))), context);
        case "command" -> process(List.of(String.valueOf(args.get("_raw_params")).trim().split("\\s+")), context);
        case "setup" -> ModuleResult.ok(Map.of("ansible_facts",
            Map.of("ansible_hostname", "testhost", "ansible_os_family", "Debian")));
        case "ping" -> ModuleResult.ok(Map.of("ping", "pong"));
        default -> ModuleResult.failed("no module '" + module + "' in the test modules");
      };
    } catch (IOException e) {
      return ModuleResult.failed(e.toString());
    }
  }

  List<Call> calls(String module) {
    return calls.stream().filter(c -> c.module().equals(module)).toList();
  }

  private static ModuleResult copy(Map<String, Object> args, InvocationContext ctx) throws IOException {
    Path dest = Path.of(String.valueOf(args.get("dest")));
    byte[] want = args.containsKey("content")
        ? String.valueOf(args.get("content")).getBytes(StandardCharsets.UTF_8)
        : Files.readAllBytes(Path.of(String.valueOf(args.get("src"))));
    String before = Files.exists(dest) ? Files.readString(dest) : "";
    boolean inSync = Files.exists(dest) && java.util.Arrays.equals(Files.readAllBytes(dest), want);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("dest", dest.toString());
    if (inSync) {
      return ModuleResult.ok(r);
    }
    if (ctx.diff()) {
      r.put("diff", Map.of("before", before, "after", new String(want, StandardCharsets.UTF_8)));
    }
    if (!ctx.checkMode()) {
      Files.createDirectories(dest.getParent());
      Files.write(dest, want);
    }
    return ModuleResult.changed(r);
  }

  private static ModuleResult file(Map<String, Object> args, InvocationContext ctx) throws IOException {
    Path path = Path.of(String.valueOf(args.get("path")));
    String state = String.valueOf(args.getOrDefault("state", "file"));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("path", path.toString());
    r.put("state", state);
    boolean exists = Files.exists(path);
    switch (state) {
      case "touch":
        if (!ctx.checkMode()) {
          if (!exists) {
            Files.createFile(path);
          }
          Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
        return ModuleResult.changed(r);
      case "absent":
        if (!exists) {
          return ModuleResult.ok(r);
        }
        if (!ctx.checkMode()) {
          Files.delete(path);
        }
        return ModuleResult.changed(r);
      case "directory":
        if (Files.isDirectory(path)) {
          return ModuleResult.ok(r);
        }
        if (!ctx.checkMode()) {
          Files.createDirectories(path);
        }
        return ModuleResult.changed(r);
      default:
        return exists ? ModuleResult.ok(r) : ModuleResult.failed("file (" + path + ") is absent, cannot continue");
    }
  }

  private static ModuleResult process(List<String> argv, InvocationContext ctx)
      throws IOException, InterruptedException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("cmd", argv);
    if (ctx.checkMode()) {
      return ModuleResult.skipped("Command would have run if not in check mode");
    }
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(ctx.environment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    r.put("rc", rc);
    r.put("stdout", out.strip());
    r.put("stderr", err.strip());
    r.put("stdout_lines", out.strip().isEmpty() ? List.of() : List.of(out.strip().split("\n")));
    r.put("changed", true);
    if (rc != 0) {
      r.put("msg", "non-zero return code");
    }
    return ModuleResult.of(r);
  }
}
