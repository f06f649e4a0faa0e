package io.homefleet.playbook.compile;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.plan.RoleScope;
import io.homefleet.playbook.source.Unsafe;
import io.homefleet.playbook.vars.Precedence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule that sends a vault secret only to hosts whose tasks use it. A <em>secret variable</em>
 * is a variable (top-level in a vars level, in a role's defaults, vars or parameters, or in another
 * host's {@code hostvars} entry) whose value holds a vault-decrypted string anywhere in it. It stays
 * in a host's plan only if its name occurs as a word in the plan: in the tasks and handlers (names,
 * arguments, conditions, loops, task and block vars) or in the value of a variable that stays. The
 * scan is of words, not of parsed Jinja, so it errs on the side of sending: {@code "{{ db_password }}"},
 * {@code "{{ hostvars['db1'].db_password }}"} and a comment-like mention of {@code db_password} all
 * keep {@code db_password}. Vault values written in a task's own {@code vars} travel with the task.
 */
final class SecretVars {
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SecretVars() {}

  /** The plan without the secret variables it does not name, and with the secrets it carries listed. */
  static HostPlan restrict(HostPlan plan, Set<String> secrets) {
    if (secrets.isEmpty()) {
      return plan;
    }
    List<Candidate> candidates = new ArrayList<>();
    Set<String> words = new HashSet<>();
    // The plan without any variables: its tasks, handlers and files.
    words(PlanCodec.encode(plan.with(Map.of(), List.of(), List.of())), words);
    plan.vars().forEach((level, layer) -> layer.forEach((name, value) -> {
      if (level == Precedence.MAGIC && name.equals("hostvars") && value instanceof Map<?, ?> hosts) {
        hosts.forEach((host, hv) -> {
          if (hv instanceof Map<?, ?> m) {
            m.forEach((n, v) -> sort(new Candidate(String.valueOf(n), v), secrets, candidates, words));
          }
        });
      } else {
        sort(new Candidate(name, value), secrets, candidates, words);
      }
    }));
    for (RoleScope r : plan.roles()) {
      for (Map<String, Object> m : List.of(r.defaults(), r.vars(), r.params())) {
        m.forEach((n, v) -> sort(new Candidate(n, v), secrets, candidates, words));
      }
    }
    // A secret that is used may name others in its own value (a template): to the fixed point.
    Set<String> kept = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Candidate c : candidates) {
        if (words.contains(c.name) && kept.add(c.name)) {
          words(c.value, words);
          grew = true;
        }
      }
    }
    EnumMap<Precedence, Map<String, Object>> vars = new EnumMap<>(Precedence.class);
    plan.vars().forEach((level, layer) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      layer.forEach((name, value) -> {
        if (level == Precedence.MAGIC && name.equals("hostvars") && value instanceof Map<?, ?> hosts) {
          Map<String, Object> hv = new LinkedHashMap<>();
          hosts.forEach((host, v) -> hv.put(String.valueOf(host), v instanceof Map<?, ?> m ? keep(m, secrets, kept) : v));
          out.put(name, hv);
        } else if (!holdsSecret(value, secrets) || kept.contains(name)) {
          out.put(name, value);
        }
      });
      vars.put(level, out);
    });
    List<RoleScope> roles = plan.roles().stream().map(r -> new RoleScope(r.role(), r.bundleDir(),
        keep(r.defaults(), secrets, kept), keep(r.vars(), secrets, kept), keep(r.params(), secrets, kept),
        r.exported())).toList();
    HostPlan restricted = plan.with(vars, roles, List.of());
    Set<String> carried = new TreeSet<>();
    collect(restricted.vars(), secrets, carried);
    restricted.roles().forEach(r -> collect(List.of(r.defaults(), r.vars(), r.params()), secrets, carried));
    String tasks = new String(PlanCodec.encode(restricted.with(Map.of(), List.of(), List.of())), StandardCharsets.UTF_8);
    secrets.stream().filter(s -> tasks.contains(jsonString(s))).forEach(carried::add);
    return restricted.with(restricted.vars(), restricted.roles(), List.copyOf(carried));
  }

  private record Candidate(String name, Object value) {}

  /** A secret variable becomes a candidate; any other variable's words count as used. */
  private static void sort(Candidate c, Set<String> secrets, List<Candidate> candidates, Set<String> words) {
    if (holdsSecret(c.value, secrets)) {
      candidates.add(c);
    } else {
      words(c.value, words);
    }
  }

  private static Map<String, Object> keep(Map<?, ?> vars, Set<String> secrets, Set<String> kept) {
    Map<String, Object> out = new LinkedHashMap<>();
    vars.forEach((n, v) -> {
      if (!holdsSecret(v, secrets) || kept.contains(String.valueOf(n))) {
        out.put(String.valueOf(n), v);
      }
    });
    return out;
  }

  static boolean holdsSecret(Object v, Set<String> secrets) {
    if (v instanceof String s) {
      return secrets.contains(s);
    }
    if (v instanceof Unsafe u) {
      return secrets.contains(u.text());
    }
    if (v instanceof Map<?, ?> m) {
      return m.values().stream().anyMatch(x -> holdsSecret(x, secrets));
    }
    if (v instanceof List<?> l) {
      return l.stream().anyMatch(x -> holdsSecret(x, secrets));
    }
    return false;
  }

  private static void collect(Object v, Set<String> secrets, Set<String> out) {
    if (v instanceof String s && secrets.contains(s)) {
      out.add(s);
    } else if (v instanceof Unsafe u && secrets.contains(u.text())) {
      out.add(u.text());
    } else if (v instanceof Map<?, ?> m) {
      m.values().forEach(x -> collect(x, secrets, out));
    } else if (v instanceof List<?> l) {
      l.forEach(x -> collect(x, secrets, out));
    }
  }

  private static void words(Object v, Set<String> words) {
    if (v instanceof String s) {
      words(s, words);
    } else if (v instanceof Unsafe u) {
      words(u.text(), words);
    } else if (v instanceof Map<?, ?> m) {
      m.forEach((k, x) -> {
        words(String.valueOf(k), words);
        words(x, words);
      });
    } else if (v instanceof List<?> l) {
      l.forEach(x -> words(x, words));
    }
  }

  private static void words(byte[] json, Set<String> words) {
    words(new String(json, StandardCharsets.UTF_8), words);
  }

  private static void words(String s, Set<String> words) {
    Matcher m = WORD.matcher(s);
    while (m.find()) {
      words.add(m.group());
    }
  }

  /** A string as Jackson writes it inside JSON, to find it in an encoded plan. */
  private static String jsonString(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
