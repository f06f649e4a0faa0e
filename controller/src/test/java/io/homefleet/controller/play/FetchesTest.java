package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchesTest {
  @TempDir Path tmp;

  private Map<String, Object> fetch(String src, String dest, boolean flat, String content) {
    return new Fetches(tmp.resolve("data/fetched")).write("web1",
        new Calls.Fetch("a", 1, 3, src, dest, flat, false, content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void write_putsTheFileUnderDestHostSrc_thenReportsNoChange() throws Exception {
    Path dest = tmp.resolve("out");
    Map<String, Object> first = fetch("/etc/motd", dest.toString(), false, "hello");
    Path written = dest.resolve("web1/etc/motd");
    assertThat(Files.readString(written)).isEqualTo("hello");
    assertThat(first).containsEntry("changed", true).containsEntry("dest", written.toString())
        .containsEntry("checksum", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
        .containsEntry("remote_checksum", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
        .containsEntry("md5sum", "5d41402abc4b2a76b9719d911017c592").containsEntry("remote_md5sum", null);
    Map<String, Object> again = fetch("/etc/motd", dest.toString(), false, "hello");
    assertThat(again).containsEntry("changed", false).containsEntry("file", "/etc/motd")
        .containsEntry("dest", written.toString());
  }

  @Test
  void flat_writesDest_orIntoADirectoryWithATrailingSlash() throws Exception {
    Path dest = tmp.resolve("flat.txt");
    fetch("/etc/motd", dest.toString(), true, "a");
    assertThat(Files.readString(dest)).isEqualTo("a");
    Files.createDirectories(tmp.resolve("dir"));
    fetch("/etc/motd", tmp.resolve("dir") + "/", true, "b");
    assertThat(Files.readString(tmp.resolve("dir/motd"))).isEqualTo("b");
    assertThat(fetch("/etc/motd", tmp.resolve("dir").toString(), true, "c")).containsEntry("failed", true)
        .containsEntry("msg", "dest is an existing directory, use a trailing slash if you want to fetch src into that"
            + " directory");
  }

  @Test
  void aRelativeDest_isUnderTheDataDirsFetched() throws Exception {
    fetch("/etc/hosts", "backups", false, "x");
    assertThat(Files.readString(tmp.resolve("data/fetched/backups/web1/etc/hosts"))).isEqualTo("x");
  }

  @Test
  void dotDotInSrc_neverWritesOutsideDest() {
    Path dest = tmp.resolve("out");
    Map<String, Object> r = fetch("../../../escaped", dest.toString(), false, "x");
    assertThat(r).containsEntry("failed", true);
    assertThat(String.valueOf(r.get("msg"))).startsWith("Detected directory traversal");
    assertThat(tmp.resolve("escaped")).doesNotExist();
    assertThat(fetch("x", "../../outside", true, "x")).containsEntry("failed", true);
    assertThat(tmp.resolve("outside")).doesNotExist();
  }
}
