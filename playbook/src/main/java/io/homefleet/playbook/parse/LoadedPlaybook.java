package io.homefleet.playbook.parse;

import io.homefleet.playbook.model.Playbook;
import io.homefleet.playbook.source.Diagnostic;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A playbook that parsed and validated: the model, the bundle of local files its tasks ship to
 * hosts, and the warnings (keywords accepted but ignored).
 *
 * <p>The bundle maps a path relative to the playbook's directory ({@code files/motd},
 * {@code roles/common/templates/sshd_config.j2}) to the file's bytes; {@code Task.files()} and
 * {@code Role.bundleDir()} name entries in it. Roles found on the configured roles path appear
 * under {@code roles/NAME/}. Nothing outside the playbook's directory and the roles path is in it.
 * The byte arrays are the loader's own; do not modify them.
 *
 * @param playbook the plays, includes resolved
 * @param root the directory the bundle's paths are relative to (the playbook's directory)
 * @param bundle bundle path to content, sorted by path
 * @param warnings what was accepted but ignored, with locations
 * @param notes how tasks will run where it is not the usual way (Ansible's python modules)
 */
public record LoadedPlaybook(Playbook playbook, Path root, Map<String, byte[]> bundle, List<Diagnostic> warnings,
    List<Diagnostic> notes) {
  public LoadedPlaybook {
    Objects.requireNonNull(playbook, "playbook");
    Objects.requireNonNull(root, "root");
    bundle = Collections.unmodifiableMap(new TreeMap<>(bundle));
    warnings = List.copyOf(warnings);
    notes = List.copyOf(notes);
  }
}
