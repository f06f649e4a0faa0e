package io.homefleet.playbook.template;

import java.util.List;
import java.util.Map;

/**
 * The controller's side of a lookup Ansible runs on the controller ({@code file}, {@code env},
 * {@code pipe}, {@code password}, ...), as the renderer reaches it: at compile time the controller
 * itself, at run time the agent's channel to the controller. A {@link Templar} made with
 * {@link Templar#withControllerLookup} calls it; one without it fails such a lookup with a
 * message saying it needs the controller.
 */
@FunctionalInterface
public interface ControllerLookup {
  /** The lookups the controller answers; {@code vars} and the data lookups run where they render. */
  java.util.Set<String> NAMES = java.util.Set.of("file", "template", "env", "pipe", "first_found", "fileglob",
      "password", "inventory_hostnames");

  /**
   * The lookup's results as {@code query()} returns them: one entry per term for most lookups.
   * For {@code template} the entries are the files' text unrendered (the caller renders them with
   * its variables); for {@code first_found} and {@code fileglob} they are paths relative to the
   * playbook's directory (the caller resolves them against its {@code playbook_dir}).
   *
   * @param plugin the lookup's short name ({@code file}, not {@code ansible.builtin.file})
   * @param terms the positional arguments, lists spliced in (Ansible's terms)
   * @param keywords the named arguments, {@code errors} and {@code wantlist} removed
   * @param roleDir the directory of the role the task is in, relative to the playbook's
   *     ({@code roles/web}), or empty outside roles: where the search path starts
   * @throws Failure when the lookup cannot answer (Ansible's AnsibleLookupError); the caller
   *     applies {@code errors=}
   */
  List<Object> lookup(String plugin, List<Object> terms, Map<String, Object> keywords, String roleDir);

  /** A lookup with {@code errors=warn} failed with {@code message}: Ansible shows it as a warning. */
  default void warn(String message) {}

  /** A lookup that failed the way Ansible's plugin would (a missing file, a failed command). */
  final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Failure(String message) {
      super(message);
    }
  }
}
