package io.homefleet.playbook.parse;

import io.homefleet.playbook.source.Diagnostic;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A playbook that cannot run: every error found in it (the loader does not stop at the first),
 * each with its file, line and column, and the warnings found on the way.
 */
public final class PlaybookException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> errors;
  private final transient List<Diagnostic> warnings;

  public PlaybookException(List<Diagnostic> errors, List<Diagnostic> warnings) {
    super(errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
  }

  /** Every error, in the order found (file by file, top to bottom). */
  public List<Diagnostic> errors() {
    return errors;
  }

  /** Warnings about keywords accepted but ignored, found before or alongside the errors. */
  public List<Diagnostic> warnings() {
    return warnings;
  }
}
