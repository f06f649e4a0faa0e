package io.homefleet.playbook.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.playbook.inventory.Inventory;
import io.homefleet.playbook.template.ControllerLookup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerLookupsTest {
  @TempDir Path tmp;
  Path book;
  Path data;
  ControllerLookups lookups;

  @BeforeEach
  void tree() throws Exception {
    book = tmp.resolve("playbook");
    data = tmp.resolve("data");
    write("files/motd", "hello\n\n");
    write("notes.txt", "  padded  \n");
    write("roles/web/files/motd", "from the role\n");
    write("templates/site.j2", "port {{ port }}\n");
    write("files/conf.d/a.conf", "a");
    write("files/conf.d/b.conf", "b");
    write("files/conf.d/.hidden.conf", "h");
    write("files/conf.d/c.txt", "c");
    write("hosts.ini", "[web]\nweb1\nweb2\n[db]\ndb1\n");
    lookups = new ControllerLookups(snapshotOf(), Inventory.load(book.resolve("hosts.ini")), data.resolve("passwords"),
        Map.of("HF_TEST_VAR", "from the controller", "PATH", System.getenv("PATH")), data);
  }

  private Map<String, byte[]> snapshotOf() {
    return ControllerLookups.snapshot(book, Inventory.empty(), data).tree();
  }

  private void write(String path, String text) throws IOException {
    Path p = book.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private List<Object> run(String plugin, List<Object> terms, Map<String, Object> keywords) {
    return lookups.lookup(plugin, terms, keywords, "");
  }

  @Test
  void file_rstripsByDefault_andLstripsWhenAsked() {
    assertThat(run("file", List.of("motd"), Map.of())).containsExactly("hello");
    assertThat(run("file", List.of("notes.txt"), Map.of())).containsExactly("  padded");
    assertThat(run("file", List.of("notes.txt"), Map.of("lstrip", true, "rstrip", false))).containsExactly("padded  \n");
  }

  @Test
  void file_searchesTheRoleBeforeThePlaybook() {
    assertThat(lookups.lookup("file", List.of("motd"), Map.of(), "roles/web")).containsExactly("from the role");
    assertThat(lookups.lookup("file", List.of("notes.txt"), Map.of(), "roles/web")).containsExactly("  padded");
  }

  @Test
  void file_missing_failsWithAnsiblesMessage() {
    assertThatThrownBy(() -> run("file", List.of("nope"), Map.of())).isInstanceOf(ControllerLookup.Failure.class)
        .hasMessageContaining("could not locate file in lookup: nope");
  }

  @Test
  void file_outsideTheTree_isNotRead() {
    assertThatThrownBy(() -> run("file", List.of("/etc/hostname"), Map.of()))
        .hasMessageContaining("the controller reads only the playbook's directory");
    assertThatThrownBy(() -> run("file", List.of("../data/x"), Map.of())).isInstanceOf(ControllerLookup.Failure.class);
  }

  @Test
  void template_answersTheTextUnrendered() {
    assertThat(run("template", List.of("site.j2"), Map.of())).containsExactly("port {{ port }}\n");
    assertThatThrownBy(() -> run("template", List.of("x.j2"), Map.of()))
        .hasMessage("the template file x.j2 could not be found for the lookup");
  }

  @Test
  void env_readsTheControllersEnvironment_withDefault() {
    assertThat(run("env", List.of("HF_TEST_VAR", "HF_NOT_SET"), Map.of())).containsExactly("from the controller", "");
    assertThat(run("env", List.of("HF_NOT_SET"), Map.of("default", "d"))).containsExactly("d");
  }

  @Test
  void pipe_answersStdoutStripped_andFailsOnAnExitCode() {
    assertThat(run("pipe", List.of("printf 'a b\\n\\n'; echo oops >&2"), Map.of())).containsExactly("a b");
    assertThatThrownBy(() -> run("pipe", List.of("exit 3"), Map.of()))
        .hasMessageContaining("lookup_plugin.pipe(exit 3) returned 3");
  }

  @Test
  void firstFound_takesTheFirstThatExists_inFilesAndPaths() {
    assertThat(run("first_found", List.of("nope", "motd", "notes.txt"), Map.of())).containsExactly("files/motd");
    assertThat(run("first_found", List.of(Map.of("files", List.of("x", "a.conf"), "paths", List.of("conf.d"))),
        Map.of())).containsExactly("files/conf.d/a.conf");
    assertThat(lookups.lookup("first_found", List.of("motd"), Map.of(), "roles/web"))
        .containsExactly("roles/web/files/motd");
    assertThat(run("first_found", List.of("x", "y"), Map.of("skip", true))).isEmpty();
    assertThatThrownBy(() -> run("first_found", List.of("x"), Map.of()))
        .hasMessage("No file was found when using first_found.");
  }

  @Test
  void fileglob_matchesFilesOfOneDirectory_notHiddenOnes() {
    assertThat(run("fileglob", List.of("conf.d/*.conf"), Map.of()))
        .containsExactly("files/conf.d/a.conf", "files/conf.d/b.conf");
    assertThat(run("fileglob", List.of("*.txt"), Map.of())).containsExactly("notes.txt");
    assertThat(run("fileglob", List.of("nothing/*"), Map.of())).isEmpty();
  }

  @Test
  void password_isCreatedOnTheController0600_andReused() throws IOException {
    List<Object> first = run("password", List.of("creds/db length=12 chars=digits"), Map.of());
    Path file = data.resolve("passwords/creds/db");
    assertThat(Files.readString(file)).isEqualTo(first.get(0) + "\n");
    assertThat((String) first.get(0)).hasSize(12).containsOnlyDigits();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(run("password", List.of("creds/db length=30"), Map.of())).isEqualTo(first);
    assertThat(Files.exists(book.resolve("creds"))).isFalse();
  }

  @Test
  void password_defaults_devNull_encrypt_andRefusals() {
    assertThat((String) run("password", List.of("/dev/null"), Map.of()).get(0)).hasSize(20)
        .matches("[A-Za-z0-9.,:_-]+");
    String hash = (String) run("password", List.of("h encrypt=sha512_crypt"), Map.of()).get(0);
    assertThat(hash).startsWith("$6$");
    assertThat(run("password", List.of("h encrypt=sha512_crypt"), Map.of())).containsExactly(hash);
    assertThat(run("password", List.of("s seed=x length=8"), Map.of()))
        .isEqualTo(run("password", List.of("/dev/null seed=x length=8"), Map.of()));
    assertThatThrownBy(() -> run("password", List.of("/etc/pw"), Map.of())).hasMessageContaining("absolute path");
    assertThatThrownBy(() -> run("password", List.of("../../x"), Map.of())).hasMessageContaining("leaves");
    assertThatThrownBy(() -> run("password", List.of("p size=3"), Map.of()))
        .hasMessage("Unrecognized parameter(s) given to password lookup: size");
  }

  @Test
  void candidateChars_asAnsibleSplitsThem() {
    assertThat(ControllerLookups.candidateChars("digits,,")).isEqualTo(",0123456789");
    assertThat(ControllerLookups.candidateChars(List.of("ascii_lowercase", "'\"xy"))).endsWith("zxy");
  }

  @Test
  void inventoryHostnames_matchesPatterns() {
    assertThat(run("inventory_hostnames", List.of("web"), Map.of())).containsExactly("web1", "web2");
    assertThat(run("inventory_hostnames", List.of("all:!web1"), Map.of())).containsExactly("web2", "db1");
  }

  @Test
  void snapshot_keepsTheTreeAfterTheUploadIsGone() throws IOException {
    ControllerLookups snap = ControllerLookups.snapshot(book, Inventory.empty(), data);
    Files.delete(book.resolve("files/motd"));
    assertThat(snap.lookup("file", List.of("motd"), Map.of(), "")).containsExactly("hello");
  }
}
