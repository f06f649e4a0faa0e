package io.homefleet.agent.module.edit;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.FileAttrs;
import io.homefleet.agent.module.file.Validate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code replace}: every match of {@code regexp} (Python syntax, multi-line) in the
 * file, or in the part of it between {@code after} and {@code before}, replaced by
 * {@code replace} with Python's back-references. Follows ansible-core 2.14's {@code replace.py}
 * step by step: the section is the first match of {@code AFTER(?P<subsection>.*?)BEFORE} with
 * DOTALL, and the file changes only when the text differs.
 */
public final class ReplaceModule implements StateModule {
  private static final String ATTRS_CHANGED = "ownership, perms or SE linux context changed";

  @Override
  public String name() {
    return "replace";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Path path = Path.of(a.required("path"));
    String after = a.str("after").orElse("");
    String before = a.str("before").orElse("");
    PythonRegex regexp = TextEdit.compile(a, "regexp", a.required("regexp"), Pattern.MULTILINE);
    String replacement = a.str("replace", "");
    Charset charset = charset(a);
    AtomicFiles.Validator validator = Validate.of(a, ctx);
    if (Files.isDirectory(path)) {
      throw a.error("Path " + path + " is a directory !");
    }
    if (!Files.exists(path)) {
      throw a.error("Path " + path + " does not exist !");
    }
    String contents = read(a, path, charset);

    String section = contents;
    int start = 0;
    int end = contents.length();
    String sectionPattern = !after.isEmpty() && !before.isEmpty() ? after + "(?P<subsection>.*?)" + before
        : !after.isEmpty() ? after + "(?P<subsection>.*)" : !before.isEmpty() ? "(?P<subsection>.*)" + before : "";
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("rc", 0);
    if (!sectionPattern.isEmpty()) {
      Matcher m = TextEdit.compile(a, "after/before", sectionPattern, Pattern.DOTALL).pattern().matcher(contents);
      if (!m.find()) {
        data.put("msg", "Pattern for before/after params did not match the given file: " + sectionPattern);
        return Plan.inSync(data);
      }
      start = m.start("subsection");
      end = m.end("subsection");
      section = m.group("subsection");
    }
    PythonRegex.Subn result;
    try {
      result = regexp.subn(replacement, section);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw a.error("the replace template: " + e.getMessage() + " in '" + replacement + "'");
    }

    Path real = realPath(a, path);
    List<Plan> parts = new ArrayList<>();
    String msg = "";
    if (result.count() > 0 && !section.equals(result.text())) {
      String newContents = contents.substring(0, start) + result.text() + contents.substring(end);
      msg = result.count() + " replacements made";
      boolean backup = a.bool("backup", false);
      parts.add(new Plan.Drift(new Diff(contents, newContents, path.toString(), path.toString()), Map.of(), () -> {
        Map<String, Object> learnt = new LinkedHashMap<>();
        try {
          if (backup) {
            learnt.put("backup_file", AtomicFiles.backup(real).toString());
          }
          AtomicFiles.write(real, newContents.getBytes(charset), validator);
        } catch (IOException e) {
          throw a.error("cannot write " + real + ": " + e.getMessage());
        }
        return learnt;
      }));
    }
    Plan attrs = FileAttrs.of(a).plan(name(), real, FileAttrs.read(real), 0644, false);
    if (attrs instanceof Plan.Drift) {
      msg = msg.isEmpty() ? ATTRS_CHANGED : msg + " and " + ATTRS_CHANGED;
    }
    parts.add(attrs);
    data.put("msg", msg);
    Plan plan = Plan.all(data, parts);
    // Ansible's replace returns no file attributes, only rc, msg and changed.
    return plan instanceof Plan.Drift d ? new Plan.Drift(d.diffs(), data, d.apply()) : Plan.inSync(data);
  }

  private static Charset charset(Args a) throws TaskException {
    String name = a.str("encoding", "utf-8");
    // Python spells them latin-1, utf_8; Java knows latin1, utf8 among its aliases.
    for (String candidate : List.of(name, name.replace("-", "").replace("_", ""))) {
      try {
        return Charset.forName(candidate);
      } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
        // Try the next spelling.
      }
    }
    throw a.error("unknown encoding: " + name);
  }

  private static String read(Args a, Path path, Charset charset) throws TaskException {
    try {
      return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
    } catch (CharacterCodingException e) {
      throw a.error(path + " is not valid " + charset.name() + " text (set encoding to the file's encoding)");
    } catch (IOException e) {
      throw a.error("Unable to read the contents of " + path + ": " + e.getMessage());
    }
  }

  private static Path realPath(Args a, Path path) throws TaskException {
    try {
      // Ansible writes through a symlink to the file it points at.
      return path.toRealPath();
    } catch (IOException e) {
      throw a.error("cannot resolve " + path + ": " + e.getMessage());
    }
  }
}
