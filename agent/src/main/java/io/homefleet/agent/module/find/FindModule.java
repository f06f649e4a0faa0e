package io.homefleet.agent.module.find;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.edit.PythonRegex;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.StatInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's {@code find}: the files (or directories, links, anything) under {@code paths} whose
 * base names match {@code patterns} (shell globs as Python's {@code fnmatch}, or Python regular
 * expressions from the start of the name with {@code use_regex}) and not {@code excludes}, with
 * age, size and content filters, each returned with stat-like fields. Walks as Python's
 * {@code os.walk} does, so {@code examined}, {@code depth} and the order of {@code files} are
 * ansible-core 2.14's. Reads only: the same in check mode, never changed.
 */
public final class FindModule implements Module {
  private static final Pattern AGE = Pattern.compile("^(-?\\d+)(s|m|h|d|w)?$");
  private static final Pattern SIZE = Pattern.compile("^(-?\\d+)(b|k|m|g|t)?$");

  @Override
  public String name() {
    return "find";
  }

  /** The task's filters, read once. */
  private record Query(Predicate<String> names, String fileType, Long age, String ageStamp, Long size,
      Pattern contains, boolean readWholeFile, boolean recurse, int depth, boolean hidden, boolean follow,
      boolean checksum) {}

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    List<String> paths = a.list("paths");
    if (paths.isEmpty()) {
      throw a.error("missing required argument: paths");
    }
    boolean useRegex = a.bool("use_regex", false);
    List<String> patterns = a.list("patterns");
    if (patterns.isEmpty()) {
      patterns = List.of(useRegex ? ".*" : "*");
    }
    Pattern contains = a.has("contains") ? regex(a, "contains", a.required("contains")) : null;
    Query q = new Query(names(a, patterns, a.list("excludes"), useRegex),
        a.choice("file_type", "file", "any", "directory", "file", "link"),
        amount(a, "age", AGE, Map.of("s", 1L, "m", 60L, "h", 3600L, "d", 86400L, "w", 604800L)),
        a.choice("age_stamp", "mtime", "atime", "ctime", "mtime"),
        amount(a, "size", SIZE, Map.of("b", 1L, "k", 1L << 10, "m", 1L << 20, "g", 1L << 30, "t", 1L << 40)),
        contains, a.bool("read_whole_file", false),
        a.bool("recurse", false), a.integer("depth").orElse(0L).intValue(), a.bool("hidden", false),
        a.bool("follow", false), a.bool("get_checksum", false));
    double now = Instant.now().toEpochMilli() / 1000.0;
    Walk w = new Walk(q, now);
    for (String p : paths) {
      String npath = expandUser(expandVars(p, ctx));
      try {
        if (!Files.isDirectory(Path.of(npath))) {
          throw new IOException("'" + npath + "' is not a directory");
        }
        w.walk(Path.of(npath), npath);
      } catch (IOException e) {
        w.skipped.put(npath, e.getMessage());
        w.warnings.add("Skipped '" + npath + "' path due to this access issue: " + e.getMessage() + "\n");
      }
    }
    List<Map<String, Object>> files = w.files;
    List<String> warnings = w.warnings;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("files", files);
    data.put("msg", warnings.isEmpty() ? "All paths examined" : "Not all paths examined, check warnings for details");
    data.put("matched", files.size());
    data.put("examined", w.looked);
    data.put("skipped_paths", w.skipped);
    if (!warnings.isEmpty()) {
      data.put("warnings", warnings);
    }
    return Outcome.result(false, "", data);
  }

  /** One walk over the paths: what it found, skipped and looked at. */
  private static final class Walk {
    final Query q;
    final double now;
    final List<Map<String, Object>> files = new ArrayList<>();
    final Map<String, Object> skipped = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    final Set<Object> ancestors = new HashSet<>();
    int looked;

    Walk(Query q, double now) {
      this.q = q;
      this.now = now;
    }

    /** One directory of {@code os.walk}, top-down: its entries, then (with recurse) its subdirectories. */
    void walk(Path root, String top) throws IOException {
      List<Path> dirs = new ArrayList<>();
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
        for (Path p : ds) {
          // os.walk counts symlinks to directories among the directories, and Ansible looks at directories last.
          (Files.isDirectory(p) ? dirs : entries).add(p);
        }
      } catch (AccessDeniedException e) {
        throw new IOException("[Errno 13] Permission denied: '" + root + "'", e);
      }
      entries.addAll(dirs);
      looked += entries.size();
      boolean descend = true;
      for (Path entry : entries) {
        String fsname = entry.normalize().toString();
        if (q.depth() > 0 && count(fsname) - count(top.replaceAll("/+$", "") + "/") + 1 > q.depth()) {
          descend = false;
          continue;
        }
        String base = entry.getFileName().toString();
        if (base.startsWith(".") && !q.hidden()) {
          continue;
        }
        Map<String, Object> st;
        try {
          st = StatInfo.of(entry, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          skipped.put(fsname, e.getMessage());
          warnings.add("Skipped entry '" + fsname + "' due to this access issue: " + e.getMessage() + "\n");
          continue;
        }
        if (matches(entry, base, st, q, now)) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("path", fsname);
          r.putAll(st);
          if (q.checksum() && Boolean.TRUE.equals(st.get("isreg"))) {
            r.put("checksum", AtomicFiles.digest(entry, "sha1"));
          }
          files.add(r);
        }
      }
      if (!q.recurse() || !descend) {
        return;
      }
      for (Path d : dirs) {
        if (Files.isSymbolicLink(d) && !q.follow()) {
          continue;
        }
        // Python's os.walk(followlinks=True) loops on a cycle; this stops at a directory that is its own ancestor.
        Object key = Files.readAttributes(d, BasicFileAttributes.class).fileKey();
        if (key != null && !ancestors.add(key)) {
          continue;
        }
        walk(d, top);
        ancestors.remove(key);
      }
    }
  }

  private static boolean matches(Path entry, String base, Map<String, Object> st, Query q, double now) {
    boolean isreg = Boolean.TRUE.equals(st.get("isreg"));
    if (!q.names().test(base) || !age(st, q, now)) {
      return false;
    }
    return switch (q.fileType()) {
      case "any" -> !isreg || size(st, q);
      case "directory" -> Boolean.TRUE.equals(st.get("isdir"));
      case "link" -> Boolean.TRUE.equals(st.get("islnk"));
      default -> isreg && size(st, q) && contains(entry, q);
    };
  }

  private static boolean age(Map<String, Object> st, Query q, double now) {
    if (q.age() == null) {
      return true;
    }
    double elapsed = now - (Double) st.get(q.ageStamp());
    return q.age() >= 0 ? elapsed >= Math.abs(q.age()) : elapsed <= Math.abs(q.age());
  }

  private static boolean size(Map<String, Object> st, Query q) {
    if (q.size() == null) {
      return true;
    }
    long size = ((Number) st.get("size")).longValue();
    return q.size() >= 0 ? size >= Math.abs(q.size()) : size <= Math.abs(q.size());
  }

  /** Python's text-mode read: UTF-8, newlines universal; a file that does not decode contains nothing. */
  private static boolean contains(Path file, Query q) {
    if (q.contains() == null) {
      return true;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString().replace("\r\n", "\n").replace('\r', '\n');
    } catch (IOException e) {
      // Ansible's contentfilter swallows every error reading the file: it contains nothing.
      return false;
    }
    if (q.readWholeFile()) {
      return q.contains().matcher(text).find();
    }
    Matcher m = q.contains().matcher("");
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl + 1;
      if (m.reset(text.substring(start, end)).lookingAt()) {
        return true;
      }
      start = end;
    }
    return false;
  }

  /** Ansible's pfilter: a pattern matches and no exclude does. */
  private static Predicate<String> names(Args a, List<String> patterns, List<String> excludes, boolean useRegex)
      throws TaskException {
    List<Pattern> inc = new ArrayList<>();
    List<Pattern> exc = new ArrayList<>();
    for (String p : patterns) {
      inc.add(useRegex ? regex(a, "patterns", p) : Glob.toPattern(p));
    }
    for (String e : excludes) {
      exc.add(useRegex ? regex(a, "excludes", e) : Glob.toPattern(e));
    }
    // Regular expressions match from the start of the name (re.match), globs the whole name.
    return name -> inc.stream().anyMatch(p -> hit(p, name, useRegex)) && exc.stream().noneMatch(p -> hit(p, name, useRegex));
  }

  private static boolean hit(Pattern p, String name, boolean useRegex) {
    Matcher m = p.matcher(name);
    return useRegex ? m.lookingAt() : m.matches();
  }

  private static Pattern regex(Args a, String arg, String python) throws TaskException {
    try {
      return PythonRegex.compile(python, 0).pattern();
    } catch (PatternSyntaxException e) {
      throw a.error(arg + " is not a valid regular expression: " + e.getDescription() + " in '" + python + "'");
    }
  }

  private static Long amount(Args a, String arg, Pattern syntax, Map<String, Long> units) throws TaskException {
    String v = a.str(arg).orElse(null);
    if (v == null) {
      return null;
    }
    Matcher m = syntax.matcher(v.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw a.error("failed to process " + arg);
    }
    return Long.parseLong(m.group(1)) * (m.group(2) == null ? 1 : units.get(m.group(2)));
  }

  private static int count(String path) {
    int n = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }

  /** Python's {@code os.path.expandvars}: {@code $NAME} and {@code ${NAME}}; unknown ones stay. */
  static String expandVars(String s, TaskContext ctx) {
    Matcher m = Pattern.compile("\\$(\\w+|\\{[^}]*})").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).startsWith("{") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
      String v = ctx.task().environment().getOrDefault(name, System.getenv(name));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Python's {@code os.path.expanduser} for {@code ~} and {@code ~/...}. */
  static String expandUser(String s) {
    if (s.equals("~") || s.startsWith("~/")) {
      return System.getProperty("user.home") + s.substring(1);
    }
    return s;
  }
}
