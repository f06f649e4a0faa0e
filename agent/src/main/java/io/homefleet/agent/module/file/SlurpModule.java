package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ansible's {@code slurp}: a file's bytes as base64 ({@code content}, {@code encoding: base64},
 * {@code source}), with Ansible's messages for a missing, unreadable or directory source. Reads
 * only, so check mode is the same as a run.
 */
public final class SlurpModule implements Module {
  @Override
  public String name() {
    return "slurp";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    String source = a.required("src");
    Path p = Path.of(source);
    byte[] bytes;
    try {
      if (Files.isDirectory(p)) {
        return Outcome.failed("source is a directory and must be a file: " + source);
      }
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return Outcome.failed("file not found: " + source);
    } catch (AccessDeniedException e) {
      return Outcome.failed("file is not readable: " + source);
    } catch (IOException e) {
      return Outcome.failed("unable to slurp file: " + e.getMessage());
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("content", Base64.getEncoder().encodeToString(bytes));
    data.put("source", source);
    data.put("encoding", "base64");
    return Outcome.result(false, "", data);
  }
}
