package io.homefleet.controller.run;

import io.homefleet.controller.store.Records.Host;
import java.util.Arrays;
import java.util.List;

/**
 * Host patterns, a subset of Ansible's: {@code all} (or {@code *}), a host name, a role (group),
 * a label as {@code key=value}, or a comma-separated union of these.
 */
public final class Targets {
  private Targets() {}

  public static boolean matches(String pattern, Host host) {
    return Arrays.stream(pattern.split(",")).map(String::trim).filter(p -> !p.isEmpty()).anyMatch(p -> matchOne(p, host));
  }

  private static boolean matchOne(String p, Host host) {
    if (p.equals("all") || p.equals("*")) {
      return true;
    }
    int eq = p.indexOf('=');
    if (eq > 0) {
      return p.substring(eq + 1).equals(host.labels().get(p.substring(0, eq)));
    }
    return p.equals(host.name()) || p.equals(host.role());
  }

  public static List<Host> select(String pattern, List<Host> hosts) {
    return hosts.stream().filter(h -> !h.decommissioned() && matches(pattern, h)).toList();
  }
}
