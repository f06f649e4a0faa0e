package io.homefleet.playbook.vars;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Ansible's {@code hostvars}: every host's variables by host name, computed only when a template
 * looks one up ({@code hostvars['db1'].ansible_host}) and then kept. Read-only.
 */
public final class HostVars extends AbstractMap<String, Object> {
  private final List<String> hosts;
  private final Function<String, Map<String, Object>> compute;
  private final Map<String, Map<String, Object>> cache = new ConcurrentHashMap<>();

  /** {@code compute} gives one host's variables; it is called at most once per host. */
  public HostVars(List<String> hosts, Function<String, Map<String, Object>> compute) {
    this.hosts = List.copyOf(hosts);
    this.compute = compute;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String s && hosts.contains(s);
  }

  @Override
  public Object get(Object key) {
    if (!containsKey(key)) {
      return null;
    }
    return cache.computeIfAbsent((String) key, compute);
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        Iterator<String> names = hosts.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return names.hasNext();
          }

          @Override
          public Entry<String, Object> next() {
            String name = names.next();
            return new SimpleImmutableEntry<>(name, get(name));
          }
        };
      }

      @Override
      public int size() {
        return hosts.size();
      }
    };
  }

  @Override
  public int size() {
    return hosts.size();
  }

  @Override
  public String toString() {
    // Printing every host's vars would compute them all; name the hosts instead.
    return "hostvars" + hosts;
  }
}
