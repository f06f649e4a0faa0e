package io.homefleet.playbook.inventory;

import java.nio.file.Path;

/**
 * An inventory, a vars file or a host pattern that cannot be used; the message names the file and
 * line (and column where the format has one), what is wrong and how to fix it.
 */
public final class InventoryException extends Exception {
  private static final long serialVersionUID = 1L;

  public InventoryException(String message) {
    super(message);
  }

  public InventoryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code file:line:column: message}; a line or column of 0 is left out. */
  static InventoryException at(Path file, int line, int column, String message) {
    StringBuilder where = new StringBuilder(String.valueOf(file));
    if (line > 0) {
      where.append(':').append(line);
      if (column > 0) {
        where.append(':').append(column);
      }
    }
    return new InventoryException(where + ": " + message);
  }
}
