package io.homefleet.agent.module.getent;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Ansible's {@code getent}: the host's NSS databases (passwd, group, hosts, services, ...) read
 * through the host's own {@code getent}, returned as {@code ansible_facts.getent_DATABASE}, a
 * dict from each entry's first field to its other fields. Reads only, so check mode is the same
 * as a run. Follows ansible-core 2.14's {@code getent.py}, duplicate keys and exit codes included.
 */
public final class GetentModule implements Module {
  private static final Set<String> COLON = Set.of("passwd", "shadow", "group", "gshadow");
  /** Python's {@code str.splitlines} boundaries. */
  private static final Pattern LINES = Pattern.compile("\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]");
  /** Python's {@code str.split()} without a separator: runs of whitespace. */
  private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u001c-\\u001f]+", Pattern.UNICODE_CHARACTER_CLASS);

  @Override
  public String name() {
    return "getent";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String database = a.required("database");
    List<String> argv = new ArrayList<>(List.of("getent", database));
    // An empty key is still passed, as Ansible passes it.
    String key = raw.containsKey("key") && raw.get("key") != null ? a.str("key", "") : null;
    if (key != null) {
      argv.add(key);
    }
    a.str("service").ifPresent(s -> argv.addAll(List.of("-s", s)));
    String split = a.str("split").orElse(COLON.contains(database) ? ":" : null);
    Commands.Result r = Commands.run(ctx, argv);
    String dbtree = "getent_" + database;
    Map<String, Object> results = new LinkedHashMap<>();
    switch (r.rc()) {
      case 0 -> {
        parse(r.stdout(), split, results);
        return Outcome.result(false, "", Map.of("ansible_facts", Map.of(dbtree, results)));
      }
      case 1 -> {
        return Outcome.failed("Missing arguments, or database unknown.");
      }
      case 2 -> {
        String msg = "One or more supplied key could not be found in the database.";
        if (!a.bool("fail_key", true)) {
          results.put(key, null);
          Map<String, Object> facts = new HashMap<>();
          facts.put(dbtree, results);
          return Outcome.result(false, msg, Map.of("ansible_facts", facts));
        }
        return Outcome.failed(msg);
      }
      case 3 -> {
        return Outcome.failed("Enumeration not supported on this database.");
      }
      default -> {
        return Outcome.failed("Unexpected failure!");
      }
    }
  }

  /** One record per line, split as Python's {@code line.split(split)}; a repeated first field collects a list. */
  @SuppressWarnings("unchecked")
  static void parse(String out, String split, Map<String, Object> results) {
    Map<String, Integer> seen = new HashMap<>();
    if (out.isEmpty()) {
      return;
    }
    for (String line : LINES.split(out)) {
      List<String> record = split == null ? Arrays.asList(WHITESPACE.split(line.strip()))
          : Arrays.asList(line.split(Pattern.quote(split), -1));
      if (split == null && line.isBlank()) {
        // Python's split() of a blank line has no first field; getent prints none.
        continue;
      }
      String first = record.get(0);
      List<String> rest = List.copyOf(record.subList(1, record.size()));
      Integer n = seen.get(first);
      if (n == null) {
        results.put(first, rest);
        seen.put(first, 1);
      } else {
        if (n == 1) {
          List<Object> all = new ArrayList<>();
          all.add(results.get(first));
          results.put(first, all);
        }
        ((List<Object>) results.get(first)).add(rest);
        seen.put(first, n + 1);
      }
    }
  }
}
