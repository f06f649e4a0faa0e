package io.homefleet.agent.module.archive;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.FileAttrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Ansible's {@code unarchive}: unpacks a tar (plain, gz, bz2, xz) or zip archive from the play's
 * bundle ({@code remote_src=true}: from this host) into an existing directory. In sync when
 * every member is already there as the archive has it: for tar that is GNU {@code tar --diff}
 * (size, mode, mtime, owner), as Ansible uses; for zip, each file's size and CRC-32. Members
 * that would land outside {@code dest} are refused.
 */
public final class UnarchiveModule implements StateModule {
  @Override
  public String name() {
    return "unarchive";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    for (String u : List.of("keep_newer", "io_buffer_size", "decrypt")) {
      if (a.has(u)) {
        throw a.error(u + " is not supported by homefleet's unarchive yet (see docs/modules.md)");
      }
    }
    String srcArg = a.required("src");
    if (srcArg.contains("://")) {
      throw a.error("a URL src is not supported by homefleet's unarchive yet; fetch it with get_url first");
    }
    boolean remote = a.bool("remote_src", false) || (a.has("copy") && !a.bool("copy", true));
    Path src = remote ? Path.of(srcArg) : ctx.bundleFile(name(), srcArg, "files");
    if (!Files.isRegularFile(src)) {
      throw a.error("Source '" + srcArg + "' does not exist");
    }
    Path dest = Path.of(a.required("dest"));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dest", dest.toString());
    data.put("src", src.toString());
    if (a.has("creates") && Files.exists(Path.of(a.required("creates")))) {
      data.put("msg", "skipped, since " + a.required("creates") + " exists");
      return Plan.inSync(data);
    }
    if (!Files.isDirectory(dest)) {
      throw a.error("dest '" + dest + "' must be an existing dir");
    }
    boolean zip = isZip(src);
    data.put("handler", zip ? "ZipArchive" : "TgzArchive");
    List<String> members = zip ? zipMembers(a, src) : tarMembers(ctx, a, src);
    List<String> exclude = a.list("exclude");
    List<String> include = a.list("include");
    members = members.stream().filter(m -> !exclude.contains(m) && (include.isEmpty() || include.contains(m))).toList();
    for (String m : members) {
      if (!dest.resolve(m).normalize().startsWith(dest.normalize())) {
        throw a.error("archive member '" + m + "' would be extracted outside " + dest + "; refusing");
      }
    }
    if (a.bool("list_files", false)) {
      data.put("files", members);
    }
    boolean inSync = zip ? zipInSync(a, src, dest, members) : tarInSync(ctx, a, src, dest, exclude, include);
    FileAttrs attrs = FileAttrs.of(a);
    List<Plan> parts = new ArrayList<>();
    if (!inSync) {
      List<String> listed = members;
      parts.add(new Plan.Drift(new Diff(Map.of("path", dest.toString(), "unpacked", false),
          Map.of("path", dest.toString(), "unpacked", src.getFileName().toString()), dest.toString(), dest.toString()),
          Map.of(), () -> {
            if (zip) {
              unzip(a, src, dest, listed);
            } else {
              untar(ctx, a, src, dest, exclude, include);
            }
            if (attrs.any()) {
              for (String m : listed) {
                Path p = dest.resolve(m);
                attrs.applyNow(name(), p, Files.isDirectory(p) ? 0755 : 0644, Files.isDirectory(p));
              }
            }
            return Map.of();
          }));
    } else if (attrs.any()) {
      for (String m : members) {
        Path p = dest.resolve(m);
        Plan sub = attrs.plan(name(), p, FileAttrs.read(p), 0644, Files.isDirectory(p));
        parts.add(sub instanceof Plan.Drift d ? new Plan.Drift(d.diffs(), Map.of(), d.apply()) : Plan.inSync(Map.of()));
      }
    }
    data.put("state", "directory");
    return Plan.all(data, parts);
  }

  private static boolean isZip(Path src) throws TaskException {
    try (InputStream in = Files.newInputStream(src)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    } catch (IOException e) {
      throw new TaskException("unarchive", "cannot read " + src + ": " + e.getMessage());
    }
  }

  private static List<String> tarArgs(Args a, List<String> exclude, List<String> include) {
    List<String> argv = new ArrayList<>();
    for (String e : exclude) {
      argv.add("--exclude=" + e);
    }
    argv.addAll(a.list("extra_opts"));
    argv.addAll(include);
    return argv;
  }

  private static List<String> tarMembers(TaskContext ctx, Args a, Path src) throws TaskException, InterruptedException {
    Commands.Result r = Commands.run(ctx, List.of("tar", "-t", "-f", src.toString()));
    if (!r.ok()) {
      throw a.error("Failed to find handler for \"" + src + "\": " + r.describe());
    }
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  private static boolean tarInSync(TaskContext ctx, Args a, Path src, Path dest, List<String> exclude,
      List<String> include) throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("tar", "--diff", "-C", dest.toString(), "-f", src.toString()));
    argv.addAll(tarArgs(a, exclude, include));
    Commands.Result r = Commands.run(ctx, argv);
    return r.ok();
  }

  private static void untar(TaskContext ctx, Args a, Path src, Path dest, List<String> exclude, List<String> include)
      throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("tar", "--extract", "-C", dest.toString(), "-f", src.toString()));
    argv.addAll(tarArgs(a, exclude, include));
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error("failed to unpack " + src + " to " + dest + ": " + r.describe());
    }
  }

  private static List<String> zipMembers(Args a, Path src) throws TaskException {
    try (ZipFile z = new ZipFile(src.toFile())) {
      return z.stream().map(ZipEntry::getName).toList();
    } catch (IOException e) {
      throw a.error("cannot read zip " + src + ": " + e.getMessage());
    }
  }

  private static boolean zipInSync(Args a, Path src, Path dest, List<String> members) throws TaskException {
    try (ZipFile z = new ZipFile(src.toFile())) {
      for (String m : members) {
        ZipEntry e = z.getEntry(m);
        Path p = dest.resolve(m);
        if (e.isDirectory()) {
          if (!Files.isDirectory(p)) {
            return false;
          }
          continue;
        }
        if (!Files.isRegularFile(p) || Files.size(p) != e.getSize() || crc(p) != e.getCrc()) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw a.error("cannot compare " + src + " with " + dest + ": " + e.getMessage());
    }
  }

  private static long crc(Path p) throws IOException {
    CRC32 crc = new CRC32();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  private static void unzip(Args a, Path src, Path dest, List<String> members) throws TaskException {
    try (ZipFile z = new ZipFile(src.toFile())) {
      for (String m : members) {
        ZipEntry e = z.getEntry(m);
        Path p = dest.resolve(m).normalize();
        if (e.isDirectory()) {
          Files.createDirectories(p);
          continue;
        }
        Files.createDirectories(p.getParent());
        Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".hfzip");
        try (InputStream in = z.getInputStream(e)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
          Files.setLastModifiedTime(tmp, FileTime.fromMillis(e.getTime()));
          Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    } catch (IOException e) {
      throw a.error("failed to unpack " + src + " to " + dest + ": " + e.getMessage());
    }
  }
}
