package io.homefleet.agent.module.file;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.command.CommandLineSplitter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ansible's {@code validate}: a command with {@code %s} run on the new file before it replaces
 * the old one (split into words like {@code command}, no shell); a non-zero exit leaves the old
 * file in place and fails the task. Runs only when applying, as in Ansible's check mode.
 */
public final class Validate {
  private Validate() {}

  public static AtomicFiles.Validator of(Args a, TaskContext ctx) throws TaskException {
    if (!a.has("validate")) {
      return AtomicFiles.Validator.NONE;
    }
    String command = a.required("validate");
    if (!command.contains("%s")) {
      throw a.error("validate must contain %s: " + command);
    }
    List<String> words;
    try {
      words = CommandLineSplitter.split(command);
    } catch (IllegalArgumentException e) {
      throw a.error("validate: " + e.getMessage());
    }
    return candidate -> {
      List<String> argv = new ArrayList<>();
      for (String w : words) {
        argv.add(w.replace("%s", candidate.toString()));
      }
      Commands.Result r;
      try {
        r = Commands.run(ctx, argv);
      } catch (TaskException e) {
        throw new IOException(e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while validating", e);
      }
      if (!r.ok()) {
        throw new IOException("failed to validate: " + r.describe());
      }
    };
  }
}
