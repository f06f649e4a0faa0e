package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content sub-check shared by copy, template, lineinfile, blockinfile and get_url: is
 * {@code dest} exactly these bytes? If not, the drift writes them atomically (after a backup,
 * when asked), and the attribute sub-check follows. Return values: {@code dest},
 * {@code checksum} (SHA-1, as Ansible's), {@code md5sum}, {@code size}, {@code state},
 * the attributes, and {@code backup_file} after a backup.
 */
public final class FileContent {
  private FileContent() {}

  /** Options of the write. {@code force=false} leaves an existing file alone whatever it holds. */
  public record Options(boolean backup, boolean force, FileAttrs attrs, AtomicFiles.Validator validator) {
    public Options(boolean backup, boolean force, FileAttrs attrs) {
      this(backup, force, attrs, AtomicFiles.Validator.NONE);
    }
  }

  /** What is at {@code dest} now: its bytes, or empty when there is no file. */
  public static Optional<byte[]> current(String module, Path dest) throws TaskException {
    try {
      if (!Files.exists(dest)) {
        return Optional.empty();
      }
      if (!Files.isRegularFile(dest)) {
        throw new TaskException(module, dest + " exists and is not a regular file");
      }
      return Optional.of(Files.readAllBytes(dest));
    } catch (IOException e) {
      throw new TaskException(module, "cannot read " + dest + ": " + e.getMessage());
    }
  }

  public static Plan plan(String module, Path dest, byte[] want, Options opts) throws TaskException {
    Path parent = dest.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new TaskException(module, "Destination directory " + parent + " does not exist");
    }
    Optional<byte[]> have = current(module, dest);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("dest", dest.toString());
    data.put("state", "file");
    List<Plan> parts = new ArrayList<>();
    if (have.isPresent() && !opts.force()) {
      data.put("checksum", AtomicFiles.digest(have.get(), "sha1"));
      data.put("size", have.get().length);
      parts.add(opts.attrs().plan(module, dest, FileAttrs.read(dest), 0644, false));
      return Plan.all(data, parts);
    }
    data.put("checksum", AtomicFiles.digest(want, "sha1"));
    data.put("md5sum", AtomicFiles.digest(want, "md5"));
    data.put("size", want.length);
    if (have.isPresent() && Arrays.equals(have.get(), want)) {
      parts.add(opts.attrs().plan(module, dest, FileAttrs.read(dest), 0644, false));
      return Plan.all(data, parts);
    }
    String before = have.map(AtomicFiles::diffText).orElse("");
    Diff diff = new Diff(before, AtomicFiles.diffText(want), have.isPresent() ? dest.toString() : dest + " (absent)",
        dest.toString());
    parts.add(new Plan.Drift(diff, Map.of(), () -> {
      Map<String, Object> learnt = new LinkedHashMap<>();
      try {
        if (have.isPresent() && opts.backup()) {
          learnt.put("backup_file", AtomicFiles.backup(dest).toString());
        }
        AtomicFiles.write(dest, want, opts.validator());
      } catch (IOException e) {
        throw new TaskException(module, "cannot write " + dest + ": " + e.getMessage());
      }
      return learnt;
    }));
    parts.add(opts.attrs().plan(module, dest, FileAttrs.read(dest), 0644, false));
    return Plan.all(data, parts);
  }
}
