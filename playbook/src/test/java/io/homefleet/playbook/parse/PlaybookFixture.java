package io.homefleet.playbook.parse;

import io.homefleet.playbook.source.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes playbook trees into a temp dir and loads them with paths shown relative to it. */
final class PlaybookFixture {
  final Path dir;

  PlaybookFixture(Path dir) {
    this.dir = dir;
  }

  PlaybookFixture file(String path, String text) {
    try {
      Path p = dir.resolve(path);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LoadedPlaybook load(String path) throws PlaybookException {
    return new PlaybookLoader(dir, List.of()).load(dir.resolve(path));
  }

  /** The errors of a playbook that must not load, as printed. */
  List<String> errors(String path) {
    try {
      new PlaybookLoader(dir, List.of()).load(dir.resolve(path));
    } catch (PlaybookException e) {
      return e.errors().stream().map(Diagnostic::toString).toList();
    }
    throw new AssertionError(path + " loaded but should not have");
  }
}
