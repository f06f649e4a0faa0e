package io.homefleet.agent.module.apt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one-line-style apt sources as ansible-core 2.14's {@code apt_repository} sees them (its
 * {@code SourcesList}): {@code sources.list} and every {@code *.list} in {@code sources.list.d},
 * each line parsed into enabled or not, a source and a comment, and written back in Ansible's
 * normal form ({@code # } before a disabled line, single blanks, {@code  # comment}). Adding
 * re-enables every line with the same source, else appends to the file named after the source;
 * removing drops every enabled line with it, with Ansible's quirk kept: it pops lines by their
 * number from the list it is walking, so after one removal a later duplicate's number points one
 * line further (or past the end, which fails as Ansible's IndexError does).
 */
final class SourcesList {
  private static final Set<String> TYPES = Set.of("deb", "deb-src");
  private static final Pattern OPTIONS = Pattern.compile("\\[[^\\]]+\\]");
  private static final Pattern SCHEME = Pattern.compile("\\w+://", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern NOT_ALNUM = Pattern.compile("[^a-zA-Z0-9]");

  /** One line of a file: {@code n} is its number when read (or appended), as Ansible keeps it. */
  record Line(int n, boolean valid, boolean enabled, String source, String comment) {
    String render() {
      return (enabled ? "" : "# ") + source + (comment.isEmpty() ? "" : " # " + comment) + "\n";
    }
  }

  /** A repository line that is not an enabled deb or deb-src line; the text is Ansible's message's. */
  static final class InvalidSource extends Exception {
    InvalidSource(String line) {
      super(line);
    }
  }

  /** A removal Ansible's own code fails on (its pop past the end of a shortened list). */
  static final class PopOutOfRange extends Exception {
    PopOutOfRange(String message) {
      super(message);
    }
  }

  private final Path defaultFile;
  private final Path partsDir;
  private final Map<String, List<Line>> files = new LinkedHashMap<>();
  private final Map<String, byte[]> read = new LinkedHashMap<>();
  private final Set<String> newRepos = new LinkedHashSet<>();

  private SourcesList(Path defaultFile, Path partsDir) {
    this.defaultFile = defaultFile;
    this.partsDir = partsDir;
  }

  /** Reads {@code sourcelist} (if it is a file) and the {@code *.list} files of {@code parts}, as Ansible's glob finds them. */
  static SourcesList load(Path sourcelist, Path parts) throws IOException {
    SourcesList s = new SourcesList(sourcelist.toAbsolutePath().normalize(), parts.toAbsolutePath().normalize());
    if (Files.isRegularFile(s.defaultFile)) {
      s.loadFile(s.defaultFile);
    }
    if (Files.isDirectory(s.partsDir)) {
      try (Stream<Path> list = Files.list(s.partsDir)) {
        // Python's glob skips names starting with a dot; a directory named *.list would crash Ansible, so it is skipped.
        for (Path p : list.filter(p -> {
          String n = p.getFileName().toString();
          return n.endsWith(".list") && !n.startsWith(".") && Files.isRegularFile(p);
        }).toList()) {
          s.loadFile(p);
        }
      }
    }
    return s;
  }

  private void loadFile(Path p) throws IOException {
    byte[] bytes = Files.readAllBytes(p);
    String key = p.toString();
    read.put(key, bytes);
    List<Line> group = new ArrayList<>();
    List<String> lines = lines(new String(bytes, StandardCharsets.UTF_8));
    for (int n = 0; n < lines.size(); n++) {
      group.add(parse(n, lines.get(n)));
    }
    files.put(key, group);
  }

  /** Python's text-mode line iteration: universal newlines, no empty last line. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>(List.of(text.split("\r\n|\r|\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /** Ansible's {@code _parse}: a leading {@code #} disables, a later {@code #} starts a comment. */
  static Line parse(int n, String raw) {
    String line = raw.strip();
    boolean enabled = true;
    String comment = "";
    if (line.startsWith("#")) {
      enabled = false;
      line = line.substring(1);
    }
    int i = line.indexOf('#');
    if (i > 0) {
      comment = line.substring(i + 1).strip();
      line = line.substring(0, i);
    }
    String source = line.strip();
    boolean valid = false;
    if (!source.isEmpty()) {
      List<String> chunks = words(source);
      if (TYPES.contains(chunks.get(0))) {
        valid = true;
        source = String.join(" ", chunks);
      }
    }
    return new Line(n, valid, enabled, source, comment);
  }

  /** The source of a repository line given to the module, or Ansible's InvalidSource with the text it names. */
  static String validSource(String repo) throws InvalidSource {
    String line = repo.strip();
    boolean enabled = true;
    if (line.startsWith("#")) {
      enabled = false;
      line = line.substring(1);
    }
    int i = line.indexOf('#');
    if (i > 0) {
      line = line.substring(0, i);
    }
    Line parsed = parse(0, repo);
    if (!parsed.valid() || !enabled) {
      throw new InvalidSource(line);
    }
    return parsed.source();
  }

  /** Python's {@code str.split()}: runs of whitespace, none at either end. */
  static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.strip().split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * Ansible's {@code _suggest_filename}: options and schemes dropped, the first word that is not a
   * type, without user:password@, its non-alphanumerics as underscores, {@code .list}; or
   * {@code filename} (the argument) with {@code .list}. Empty when the line has nothing to name it by.
   */
  static Optional<String> suggestFilename(String line, String filename) {
    if (filename != null) {
      return Optional.of(filename + ".list");
    }
    String s = SCHEME.matcher(OPTIONS.matcher(line).replaceAll("")).replaceAll("");
    List<String> parts = words(s).stream().filter(p -> !TYPES.contains(p)).toList();
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    String first = parts.get(0);
    if (first.contains("@")) {
      first = first.substring(first.indexOf('@') + 1);
    }
    return Optional.of(String.join("_", words(NOT_ALNUM.matcher(first).replaceAll(" "))) + ".list");
  }

  /** Ansible's {@code _expand_path}: a name with a slash as given, else in sources.list.d. */
  String expandPath(String filename) {
    return filename.contains("/") ? Path.of(filename).toString() : partsDir.resolve(filename).normalize().toString();
  }

  /** Ansible's {@code _add_valid_source}: every line with this source enabled, or the source appended to {@code file}. */
  void add(String source, String file) {
    boolean found = false;
    for (Map.Entry<String, List<Line>> e : files.entrySet()) {
      List<Line> lines = e.getValue();
      for (int i = 0; i < lines.size(); i++) {
        Line l = lines.get(i);
        if (l.valid() && l.source().equals(source)) {
          // Ansible's modify(file, n): the line at position n, which is this one while nothing was popped.
          Line at = lines.get(l.n());
          lines.set(l.n(), new Line(at.n(), at.valid(), true, at.source(), at.comment()));
          found = true;
        }
      }
    }
    if (!found) {
      String path = expandPath(file);
      List<Line> lines = files.computeIfAbsent(path, k -> new ArrayList<>());
      lines.add(new Line(lines.size(), true, true, source, ""));
      newRepos.add(path);
    }
  }

  /**
   * Ansible's {@code _remove_valid_source}, walking each file's list while popping by line number
   * as Python does. Fails (as Ansible's IndexError) when a number points past the shortened list.
   */
  void remove(String source) throws PopOutOfRange {
    for (Map.Entry<String, List<Line>> e : files.entrySet()) {
      List<Line> lines = e.getValue();
      for (int i = 0; i < lines.size(); i++) {
        Line l = lines.get(i);
        if (l.valid() && l.enabled() && l.source().equals(source)) {
          if (l.n() >= lines.size()) {
            throw new PopOutOfRange("pop index out of range (" + e.getKey() + " holds '" + source
                + "' more than once; ansible-core 2.14 fails the same way: remove the duplicate lines by hand)");
          }
          lines.remove(l.n());
        }
      }
    }
  }

  /** The enabled sources (Ansible's {@code repos_urls}). */
  List<String> enabledSources() {
    List<String> out = new ArrayList<>();
    files.values().forEach(ls -> ls.stream().filter(l -> l.valid() && l.enabled()).forEach(l -> out.add(l.source())));
    return out;
  }

  /** Ansible's {@code dump}: each file with lines, as it would be written. */
  Map<String, String> dump() {
    Map<String, String> out = new LinkedHashMap<>();
    files.forEach((f, lines) -> {
      if (!lines.isEmpty()) {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.render()));
        out.put(f, b.toString());
      }
    });
    return out;
  }

  /** Every file Ansible's {@code save} would touch: its new text, or empty to remove it (no lines left, or none ever). */
  Map<String, Optional<String>> writes() {
    Map<String, String> dump = dump();
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    for (String f : files.keySet()) {
      String text = dump.get(f);
      byte[] was = read.get(f);
      if (text == null) {
        if (was != null) {
          out.put(f, Optional.empty());
        }
      } else if (was == null || !text.equals(new String(was, StandardCharsets.UTF_8))) {
        out.put(f, Optional.of(text));
      }
    }
    return out;
  }

  /** The bytes a file held when read; null for a file that was not there. */
  byte[] original(String file) {
    return read.get(file);
  }

  /** Files a source was appended to: the ones {@code mode} applies to. */
  Set<String> newRepos() {
    return newRepos;
  }
}
