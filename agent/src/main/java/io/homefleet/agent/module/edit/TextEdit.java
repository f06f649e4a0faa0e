package io.homefleet.agent.module.edit;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.FileAttrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What lineinfile and blockinfile share: read the file as lines (line endings kept), let the
 * module edit them, and plan the write (atomic, with the backup's path under the result key each
 * module uses in Ansible) followed by the attribute sub-check.
 */
final class TextEdit {
  private TextEdit() {}

  /** The edit's outcome: the new lines and Ansible's message ({@code line added}, ...). */
  record Edited(List<String> lines, String msg, Map<String, Object> extra) {}

  static Plan plan(Args a, Path path, boolean create, Function<List<String>, Edited> edit, boolean absentOk,
      AtomicFiles.Validator validator) throws TaskException {
    Optional<String> before;
    try {
      before = Files.exists(path) ? Optional.of(Files.readString(path, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (java.nio.charset.MalformedInputException e) {
      throw a.error(path + " is not UTF-8 text");
    } catch (IOException e) {
      throw a.error("cannot read " + path + ": " + e.getMessage());
    }
    if (before.isPresent() && Files.isDirectory(path)) {
      throw a.error("Path " + path + " is a directory !");
    }
    FileAttrs attrs = FileAttrs.of(a);
    Map<String, Object> data = new LinkedHashMap<>();
    if (before.isEmpty()) {
      if (absentOk) {
        data.put("msg", "file not present");
        data.put("found", 0);
        return Plan.inSync(data);
      }
      if (!create) {
        throw a.error("Destination " + path + " does not exist ! (use create=yes to create it)");
      }
    }
    // Ansible's lineinfile always answers `backup` (empty without one); blockinfile gives `backup_file` when it made one.
    String backupKey = a.module().endsWith("blockinfile") ? "backup_file" : "backup";
    if (backupKey.equals("backup")) {
      data.put("backup", "");
    }
    Edited e = edit.apply(splitLines(before.orElse("")));
    String after = String.join("", e.lines());
    data.putAll(e.extra());
    data.put("msg", e.msg());
    List<Plan> parts = new ArrayList<>();
    if (!after.equals(before.orElse(null)) && !(before.isEmpty() && after.isEmpty() && absentOk)) {
      if (before.isEmpty() && after.isEmpty() && !create) {
        return Plan.inSync(data);
      }
      if (before.isEmpty()) {
        data.put("msg", e.msg().isEmpty() ? "File created" : e.msg() + " and file created");
      }
      Diff diff = new Diff(before.orElse(""), after, before.isPresent() ? path + " (content)" : "/dev/null",
          path + " (content)");
      parts.add(new Plan.Drift(diff, Map.of(), () -> {
        Map<String, Object> learnt = new LinkedHashMap<>();
        try {
          if (before.isEmpty()) {
            // Ansible creates missing parent directories when create=yes.
            Files.createDirectories(path.toAbsolutePath().getParent());
          }
          if (before.isPresent() && a.bool("backup", false)) {
            learnt.put(backupKey, AtomicFiles.backup(path).toString());
          }
          AtomicFiles.write(path, after.getBytes(StandardCharsets.UTF_8), validator);
        } catch (IOException ex) {
          throw a.error("cannot write " + path + ": " + ex.getMessage());
        }
        return learnt;
      }));
      parts.add(attrs.plan(a.module(), path, before.isPresent() ? FileAttrs.read(path) : Optional.empty(), 0644,
          false));
    } else {
      data.put("msg", e.msg().isEmpty() ? "" : e.msg());
      if (before.isPresent()) {
        Plan attrPlan = attrs.plan(a.module(), path, FileAttrs.read(path), 0644, false);
        if (attrPlan instanceof Plan.Drift) {
          data.put("msg", "ownership, perms or SE linux context changed");
        }
        parts.add(attrPlan);
      }
    }
    return Plan.all(data, parts);
  }

  /** Splits keeping each line's ending, as Python's {@code splitlines(True)}. */
  static List<String> splitLines(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        out.add(s.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  static String stripEol(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  static Pattern compile(Args a, String name, String regex) throws TaskException {
    return compile(a, name, regex, 0).pattern();
  }

  /** A Python regular expression from argument {@code name}; a bad one fails naming it. */
  static PythonRegex compile(Args a, String name, String regex, int flags) throws TaskException {
    try {
      return PythonRegex.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw a.error(name + " is not a valid regular expression: " + e.getDescription() + " in '" + regex + "'");
    }
  }

  /** Python's {@code match.expand}: {@code \1}, {@code \g<1>}, {@code \g<name>} in {@code template}. */
  static String expand(Matcher m, String template) {
    return PythonRegex.expand(m, template);
  }
}
