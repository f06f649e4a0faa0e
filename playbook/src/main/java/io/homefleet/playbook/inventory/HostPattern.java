package io.homefleet.playbook.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's host patterns, as {@code hosts:} and {@code --limit} take them: {@code all} or
 * {@code *}, group and host names, globs ({@code web*}), {@code ~regex}, subscripts
 * ({@code web[0]}, {@code web[1:3]}, {@code web[-1]}), and lists joined by {@code :} or {@code ,}
 * whose terms may start with {@code &} (intersection) or {@code !} (exclusion). As in Ansible,
 * plain terms are applied first, then intersections, then exclusions, whatever their order in
 * the pattern; a pattern of only {@code &}/{@code !} terms starts from {@code all}. A limit may
 * be {@code @file}: one host per line.
 *
 * <p>A term that matches nothing is not an error: as Ansible does, it is reported as a warning
 * and matches no hosts.
 */
public final class HostPattern {
  private static final Pattern SUBSCRIPT = Pattern.compile("^(.+)\\[(-?\\d+)(?::(-?\\d*))?\\]$");

  private HostPattern() {}

  /** The hosts a pattern selects, in inventory order, and the warnings for terms that matched nothing. */
  public record Selection(List<String> hosts, List<String> warnings) {
    public Selection {
      hosts = List.copyOf(hosts);
      warnings = List.copyOf(warnings);
    }
  }

  /** The hosts of {@code pattern}. */
  public static Selection select(Inventory inventory, String pattern) throws InventoryException {
    List<String> warnings = new ArrayList<>();
    List<String> hosts = apply(inventory, terms(pattern), warnings);
    return new Selection(hosts, warnings);
  }

  /**
   * The hosts of {@code pattern} that {@code limit} also selects ({@code -l}); a null or blank
   * limit limits nothing. {@code limit} may be {@code @path}: a file with a host name (or pattern)
   * on each line.
   */
  public static Selection select(Inventory inventory, String pattern, String limit) throws InventoryException {
    Selection base = select(inventory, pattern);
    if (limit == null || limit.isBlank()) {
      return base;
    }
    List<String> warnings = new ArrayList<>(base.warnings());
    List<String> limitTerms = limit.startsWith("@") ? limitFile(Path.of(limit.substring(1))) : terms(limit);
    Set<String> allowed = new LinkedHashSet<>(apply(inventory, limitTerms, warnings));
    List<String> hosts = base.hosts().stream().filter(allowed::contains).toList();
    return new Selection(hosts, warnings);
  }

  /**
   * Splits a pattern on commas if it has any, else on colons outside brackets (subscripts,
   * character classes), as Ansible does; a regex that needs a colon must use the comma form.
   */
  static List<String> terms(String pattern) {
    List<String> out = new ArrayList<>();
    if (pattern.contains(",")) {
      for (String t : pattern.split(",")) {
        if (!t.isBlank()) {
          out.add(t.strip());
        }
      }
      return out;
    }
    StringBuilder term = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
      if (c == ':' && depth == 0) {
        if (!term.toString().isBlank()) {
          out.add(term.toString().strip());
        }
        term.setLength(0);
      } else {
        term.append(c);
      }
    }
    if (!term.toString().isBlank()) {
      out.add(term.toString().strip());
    }
    return out;
  }

  private static List<String> apply(Inventory inventory, List<String> terms, List<String> warnings)
      throws InventoryException {
    List<String> regular = new ArrayList<>();
    List<String> intersect = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    for (String t : terms) {
      if (t.startsWith("&")) {
        intersect.add(t.substring(1));
      } else if (t.startsWith("!")) {
        exclude.add(t.substring(1));
      } else {
        regular.add(t);
      }
    }
    if (regular.isEmpty()) {
      regular.add("all");
    }
    Set<String> selected = new LinkedHashSet<>();
    for (String t : regular) {
      selected.addAll(match(inventory, t, warnings));
    }
    for (String t : intersect) {
      selected.retainAll(new LinkedHashSet<>(match(inventory, t, warnings)));
    }
    for (String t : exclude) {
      match(inventory, t, warnings).forEach(selected::remove);
    }
    return inventory.hostNames().stream().filter(selected::contains).toList();
  }

  /** The hosts one term names. */
  static List<String> match(Inventory inventory, String term, List<String> warnings) throws InventoryException {
    if (term.isEmpty()) {
      return List.of();
    }
    Matcher sub = SUBSCRIPT.matcher(term);
    if (sub.matches() && !term.startsWith("~") && inventory.host(term).isEmpty()) {
      List<String> base = match(inventory, sub.group(1), warnings);
      return subscript(base, Integer.parseInt(sub.group(2)), sub.group(3));
    }
    if (term.equals("all") || term.equals("*")) {
      return inventory.hostNames();
    }
    Set<String> out = new LinkedHashSet<>();
    if (term.startsWith("~")) {
      Pattern regex;
      try {
        regex = Pattern.compile(term.substring(1));
      } catch (PatternSyntaxException e) {
        throw new InventoryException("host pattern '" + term + "': invalid regular expression: "
            + e.getDescription());
      }
      for (String g : inventory.groupNames()) {
        if (regex.matcher(g).lookingAt()) {
          out.addAll(inventory.hostsOf(g));
        }
      }
      for (String h : inventory.hostNames()) {
        if (regex.matcher(h).lookingAt()) {
          out.add(h);
        }
      }
    } else if (inventory.group(term).isPresent()) {
      out.addAll(inventory.hostsOf(term));
    } else if (inventory.host(term).isPresent()) {
      out.add(term);
    } else if (term.contains("*") || term.contains("?") || term.contains("[")) {
      Pattern glob = glob(term);
      for (String g : inventory.groupNames()) {
        if (glob.matcher(g).matches()) {
          out.addAll(inventory.hostsOf(g));
        }
      }
      for (String h : inventory.hostNames()) {
        if (glob.matcher(h).matches()) {
          out.add(h);
        }
      }
    }
    if (out.isEmpty() && !(inventory.group(term).isPresent())) {
      warnings.add("Could not match supplied host pattern, ignoring: " + term);
    }
    return List.copyOf(out);
  }

  /** Ansible's subscripts: [i] one host (negative from the end), [i:j] i through j inclusive, [i:] from i on. */
  private static List<String> subscript(List<String> hosts, int start, String endText) {
    int n = hosts.size();
    int from = start < 0 ? n + start : start;
    if (endText == null) {
      return from >= 0 && from < n ? List.of(hosts.get(from)) : List.of();
    }
    int to = endText.isEmpty() ? n - 1 : Integer.parseInt(endText);
    if (to < 0) {
      to = n + to;
    }
    from = Math.max(0, from);
    to = Math.min(n - 1, to);
    return from > to ? List.of() : List.copyOf(hosts.subList(from, to + 1));
  }

  /** Python's fnmatch: * any run, ? one character, [seq] a class, [!seq] its complement. */
  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        case '[' -> {
          int close = glob.indexOf(']', i + 1);
          if (close < 0) {
            re.append("\\[");
          } else {
            String set = glob.substring(i + 1, close);
            re.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
            i = close;
          }
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  private static List<String> limitFile(Path file) throws InventoryException {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
      return out;
    } catch (IOException e) {
      throw new InventoryException("--limit @" + file + ": cannot read the limit file: " + e.getMessage(), e);
    }
  }
}
