package io.homefleet.playbook.source;

import java.util.Objects;

/**
 * Where something was written: a file as the user should see it (relative to the working
 * directory where possible), and a 1-based line and column. Printed as {@code file:line:column},
 * the form editors and terminals turn into links.
 *
 * @param file the file's display path
 * @param line the 1-based line, 0 when the whole file is meant
 * @param column the 1-based column, 0 when the whole line is meant
 */
public record Location(String file, int line, int column) {

  public Location {
    Objects.requireNonNull(file, "file");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
    }
  }

  /** The file as a whole, for problems that have no better place (a missing file). */
  public static Location of(String file) {
    return new Location(file, 0, 0);
  }

  @Override
  public String toString() {
    if (line == 0) {
      return file;
    }
    return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
