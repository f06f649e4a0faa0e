package io.homefleet.agent.module.logic;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's {@code set_fact}: its arguments (already templated) become {@code ansible_facts},
 * which the plan runner merges into the host's variables; {@code cacheable} is returned as
 * {@code _ansible_facts_cacheable}. The free form {@code key=value ...} is accepted, with
 * Ansible's string-to-bool conversion of {@code yes/no/true/false} in that form only.
 */
public final class SetFactModule implements Module {
  private static final Pattern KV = Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|\\S*)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Override
  public String name() {
    return "set_fact";
  }

  @Override
  public Outcome run(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Map<String, Object> facts = new LinkedHashMap<>();
    boolean cacheable = false;
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      if (e.getKey().equals("_raw_params")) {
        Matcher m = KV.matcher(String.valueOf(e.getValue()));
        while (m.find()) {
          String v = m.group(2);
          if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
            v = v.substring(1, v.length() - 1);
          }
          Object value = switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "true" -> Boolean.TRUE;
            case "no", "false" -> Boolean.FALSE;
            default -> v;
          };
          facts.put(m.group(1), value);
        }
      } else if (e.getKey().equals("cacheable")) {
        cacheable = io.homefleet.playbook.template.Templar.truthy(e.getValue());
      } else {
        facts.put(e.getKey(), e.getValue());
      }
    }
    if (facts.isEmpty()) {
      throw new TaskException(name(), "No key/value pairs provided, at least one is required for this action to succeed");
    }
    for (String k : facts.keySet()) {
      if (!NAME.matcher(k).matches()) {
        throw new TaskException(name(), "The variable name '" + k + "' is not valid. Variables must start with a letter"
            + " or underscore character, and contain only letters, numbers and underscores.");
      }
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("changed", false);
    data.put("ansible_facts", facts);
    data.put("_ansible_facts_cacheable", cacheable);
    return new Outcome(Outcome.Status.OK, 0, "", "", "", data, false, false);
  }
}
