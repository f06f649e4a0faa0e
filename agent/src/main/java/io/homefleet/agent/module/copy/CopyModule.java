package io.homefleet.agent.module.copy;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.FileAttrs;
import io.homefleet.agent.module.file.FileContent;
import io.homefleet.agent.module.file.Modes;
import io.homefleet.agent.module.file.PosixAttrs;
import io.homefleet.agent.module.file.Validate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Ansible's {@code copy}: {@code content} or a {@code src} file (or directory) from the play's
 * bundle ({@code remote_src=true}: from this host) to {@code dest}. A {@code dest} that is a
 * directory, or ends in {@code /}, receives the file under its own name. A directory
 * {@code src} is copied whole ({@code src/} copies its contents).
 */
public final class CopyModule implements StateModule {
  @Override
  public String name() {
    return "copy";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    String destArg = a.required("dest");
    Optional<String> content = a.str("content");
    Optional<String> src = a.str("src");
    if (content.isPresent() == src.isPresent()) {
      throw a.error(content.isPresent() ? "src and content are mutually exclusive"
          : "src (or content) is required");
    }
    if (a.has("checksum")) {
      throw a.error("checksum is not supported by homefleet's copy yet (see docs/modules.md)");
    }
    FileContent.Options opts = new FileContent.Options(a.bool("backup", false), a.bool("force", true),
        FileAttrs.of(a), Validate.of(a, ctx));
    Path dest = Path.of(destArg);
    boolean destIsDir = destArg.endsWith("/") || Files.isDirectory(dest);
    if (content.isPresent()) {
      if (destIsDir) {
        throw a.error("can not use content with a dir as dest (" + destArg + ")");
      }
      return FileContent.plan(name(), dest, content.get().getBytes(StandardCharsets.UTF_8), opts);
    }
    Path source = a.bool("remote_src", false) ? Path.of(src.get()) : ctx.bundleFile(name(), src.get(), "files");
    if (!Files.exists(source)) {
      throw a.error("Source " + src.get() + " not found");
    }
    if (Files.isDirectory(source)) {
      Path top = src.get().endsWith("/") ? dest : dest.resolve(source.getFileName());
      return directory(a, source, top, opts);
    }
    Path target = destIsDir ? dest.resolve(source.getFileName().toString()) : dest;
    if (destArg.endsWith("/") && !Files.isDirectory(dest)) {
      // Ansible creates a missing destination directory named with a trailing slash.
      return Plan.all(Map.of(), List.of(mkdirs(dest, a), deferred(target, source, opts)));
    }
    Plan p = FileContent.plan(name(), target, read(source), opts);
    Map<String, Object> data = new LinkedHashMap<>(p.data());
    data.put("src", source.toString());
    return Plan.all(data, List.of(p));
  }

  /** The plan for a file whose directory does not exist yet: its content is the whole drift. */
  private Plan deferred(Path target, Path source, FileContent.Options opts) throws TaskException {
    byte[] want = read(source);
    Map<String, Object> data = Map.of("dest", target.toString(), "src", source.toString(), "size", want.length,
        "state", "file");
    return new Plan.Drift(Diff.text(target.toString(), "", new String(want, StandardCharsets.UTF_8)), data, () -> {
      Plan p = FileContent.plan(name(), target, want, opts);
      return p instanceof Plan.Drift d ? d.apply().apply() : Map.of();
    });
  }

  private Plan mkdirs(Path dir, Args a) {
    return new Plan.Drift(Diff.attrs(dir.toString(), Map.of("path", dir.toString(), "state", "absent"),
        Map.of("path", dir.toString(), "state", "directory")), Map.of(), () -> {
          try {
            Files.createDirectories(dir);
          } catch (IOException e) {
            throw a.error("cannot create " + dir + ": " + e.getMessage());
          }
          return Map.of();
        });
  }

  private Plan directory(Args a, Path source, Path top, FileContent.Options opts) throws TaskException {
    List<Plan> parts = new ArrayList<>();
    Optional<Modes.Spec> dirMode;
    try {
      dirMode = a.raw("directory_mode").isPresent() ? Optional.of(Modes.parse(a.raw("directory_mode").get()))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      throw a.error("directory_mode: " + e.getMessage());
    }
    FileAttrs dirAttrs = new FileAttrs(dirMode, opts.attrs().owner(), opts.attrs().group());
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.toList()) {
        Path target = top.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          if (!Files.isDirectory(target)) {
            parts.add(new Plan.Drift(Diff.attrs(target.toString(), Map.of("path", target.toString(), "state", "absent"),
                Map.of("path", target.toString(), "state", "directory")), Map.of(), () -> {
                  try {
                    Files.createDirectories(target);
                    PosixAttrs.setMode(target, 0755);
                  } catch (IOException e) {
                    throw a.error("cannot create " + target + ": " + e.getMessage());
                  }
                  dirAttrs.applyNow(name(), target, 0755, true);
                  return Map.of();
                }));
          } else if (dirAttrs.any()) {
            parts.add(dirAttrs.plan(name(), target, FileAttrs.read(target), 0755, true));
          }
        } else if (Files.isDirectory(target.getParent())) {
          parts.add(noData(FileContent.plan(name(), target, read(p), opts)));
        } else {
          parts.add(noData(deferred(target, p, opts)));
        }
      }
    } catch (IOException e) {
      throw a.error("cannot read " + source + ": " + e.getMessage());
    }
    return Plan.all(Map.of("dest", top.toString(), "src", source.toString(), "state", "directory"), parts);
  }

  private static Plan noData(Plan p) {
    return p instanceof Plan.Drift d ? new Plan.Drift(d.diffs(), Map.of(), d.apply()) : Plan.inSync(Map.of());
  }

  private byte[] read(Path source) throws TaskException {
    try {
      return Files.readAllBytes(source);
    } catch (IOException e) {
      throw new TaskException(name(), "cannot read " + source + ": " + e.getMessage());
    }
  }
}
