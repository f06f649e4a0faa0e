package io.homefleet.playbook.parse;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the tasks being read come from, which decides where their files are looked up.
 *
 * @param playbookDir the directory of the playbook the play is in
 * @param fileDir the directory of the file being read
 * @param role the role being read, if any
 */
record Scope(Path playbookDir, Path fileDir, Optional<RoleScope> role) {

  /** A role's name and directory. */
  record RoleScope(String name, Path dir) {}

  Scope inFile(Path file) {
    return new Scope(playbookDir, file.getParent(), role);
  }
}
