package io.homefleet.agent.module.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module's orchestration against stand-in {@code docker} and {@code docker-compose}
 * executables that record their arguments (one line a call) and exit as told: which commands
 * run, in which order, and that an unchanged project runs none. DockerComposePodmanIT runs the
 * same module against a real engine.
 */
class DockerComposeModuleTest {
  @TempDir
  Path tmp;
  Path bin;
  Path calls;
  Path project;

  @BeforeEach
  void standIns() throws Exception {
    bin = Files.createDirectories(tmp.resolve("bin"));
    calls = tmp.resolve("calls.log");
    project = tmp.resolve("srv/compose/web");
  }

  /** A recording stand-in: logs "NAME ARGS", exits with $FAIL_ON's code when an argument equals it. */
  private void standIn(String name) throws Exception {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\necho \"" + name + " $*\" >> " + calls + "\n"
        + "for a in \"$@\"; do [ \"$a\" = \"$FAIL_ON\" ] && { echo \"no such image\" >&2; exit 17; }; done\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Outcome run(Map<String, Object> args, boolean check, String failOn) throws TaskException, InterruptedException {
    Map<String, Object> all = new LinkedHashMap<>(args);
    all.putIfAbsent("project_name", "web");
    all.putIfAbsent("project_src", project.toString());
    return Run.of(new DockerComposeModule(), all).check(check).diff()
        .environment(Map.of("PATH", bin.toString(), "FAIL_ON", failOn)).go();
  }

  private Outcome run(Map<String, Object> args) throws TaskException, InterruptedException {
    return run(args, false, "none");
  }

  private List<String> calls() throws Exception {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private static Map<String, Object> definition(String image) {
    return Map.of("services", Map.of("app", Map.of("image", image, "restart", "unless-stopped")));
  }

  @Test
  void present_withDockerComposeV2_writesTheFile_upsOnce_andAnUnchangedHashRunsNothing() throws Exception {
    standIn("docker");
    Outcome check = run(Map.of("definition", definition("nginx:1.25")), true, "none");
    assertThat(check.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(calls()).as("check mode runs nothing").isEmpty();
    assertThat(project).doesNotExist();

    Outcome first = run(Map.of("definition", definition("nginx:1.25"), "pull", "always"));
    assertThat(first.status()).isEqualTo(Outcome.Status.CHANGED);
    String file = project.resolve("compose.yaml").toString();
    assertThat(calls()).containsExactly("docker compose version",
        "docker compose -p web -f " + file + " up -d --remove-orphans --pull always");
    assertThat(first.data()).containsEntry("tool", "docker compose").containsEntry("hash", check.data().get("hash"));
    assertThat(Files.readString(project.resolve("compose.yaml"))).contains("image: nginx:1.25", "restart: unless-stopped");

    Files.delete(calls);
    Outcome second = run(Map.of("definition", definition("nginx:1.25"), "pull", "always"));
    assertThat(second.status()).isEqualTo(Outcome.Status.OK);
    assertThat(second.data()).containsEntry("changed", false);
    assertThat(calls()).as("unchanged hash: nothing runs").isEmpty();

    Outcome changed = run(Map.of("definition", definition("nginx:1.27")));
    assertThat(changed.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(calls()).containsExactly("docker compose version",
        "docker compose -p web -f " + file + " up -d --remove-orphans --pull missing");
    assertThat(changed.data().get("diff").toString()).contains("nginx:1.25", "nginx:1.27");
  }

  @Test
  void aFailedUp_keepsTheOldHash_soTheNextRunTriesAgain() throws Exception {
    standIn("docker");
    assertThatThrownBy(() -> run(Map.of("definition", definition("nginx:1.25")), false, "up"))
        .isInstanceOf(TaskException.class).hasMessageContaining("up of project web failed")
        .hasMessageContaining("no such image");
    assertThat(project.resolve(DockerComposeModule.STAMP)).doesNotExist();
    Files.delete(calls);
    Outcome retry = run(Map.of("definition", definition("nginx:1.25")));
    assertThat(retry.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(calls()).last().asString().contains(" up -d ");
    assertThat(project.resolve(DockerComposeModule.STAMP)).content().contains("sha256 " + retry.data().get("hash"));
  }

  @Test
  void dockerComposeV1_pullsFirst_restartedRestarts_andAbsentDownsAndRemovesOnlyItsFiles() throws Exception {
    standIn("docker-compose");
    Path bundle = Files.createDirectories(tmp.resolve("bundle/files"));
    Files.writeString(bundle.resolve("compose.yml"), "services:\n  app:\n    image: busybox\n");
    Files.writeString(bundle.resolve("app.env"), "TZ=Europe/Berlin\n");
    Map<String, Object> args = Map.of("src", "compose.yml", "files", List.of("app.env"), "pull", "always");
    Outcome first = Run.of(new DockerComposeModule(), with(args)).environment(Map.of("PATH", bin.toString()))
        .bundle(tmp.resolve("bundle")).go();
    assertThat(first.status()).isEqualTo(Outcome.Status.CHANGED);
    String file = project.resolve("compose.yaml").toString();
    assertThat(calls()).containsExactly("docker-compose -p web -f " + file + " pull",
        "docker-compose -p web -f " + file + " up -d --remove-orphans");
    assertThat(project.resolve("app.env")).hasContent("TZ=Europe/Berlin");

    Files.delete(calls);
    Map<String, Object> restart = new LinkedHashMap<>(args);
    restart.put("state", "restarted");
    Outcome restarted = Run.of(new DockerComposeModule(), with(restart))
        .environment(Map.of("PATH", bin.toString())).bundle(tmp.resolve("bundle")).go();
    assertThat(restarted.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(calls()).containsExactly("docker-compose -p web -f " + file + " restart");

    Files.delete(calls);
    Files.createDirectories(project.resolve("data"));
    Outcome absent = run(Map.of("state", "absent", "remove_volumes", true));
    assertThat(absent.status()).isEqualTo(Outcome.Status.CHANGED);
    assertThat(calls()).containsExactly("docker-compose -p web -f " + file + " down -v");
    assertThat(project.resolve("compose.yaml")).doesNotExist();
    assertThat(project.resolve("app.env")).doesNotExist();
    assertThat(project.resolve("data")).as("the services' data stays").isDirectory();
    Files.delete(calls);
    assertThat(run(Map.of("state", "absent")).status()).as("what is left is the services' data").isEqualTo(
        Outcome.Status.OK);
    assertThat(calls()).isEmpty();
  }

  private Map<String, Object> with(Map<String, Object> args) {
    Map<String, Object> all = new LinkedHashMap<>(args);
    all.put("project_name", "web");
    all.put("project_src", project.toString());
    return all;
  }

  @Test
  void badArguments_failWithTheFieldAndTheFix_andWriteNothing() throws Exception {
    standIn("docker");
    assertThatThrownBy(() -> run(Map.of("project_name", "Web App", "definition", definition("x"))))
        .hasMessageContaining("project_name=Web App is not a compose project name");
    assertThatThrownBy(() -> run(Map.of())).hasMessageContaining("one of definition");
    assertThatThrownBy(() -> run(Map.of("definition", definition("x"), "src", "c.yml")))
        .hasMessageContaining("definition, src are mutually exclusive");
    assertThatThrownBy(() -> run(Map.of("definition", Map.of("version", "3"))))
        .hasMessageContaining("definition has no services");
    assertThatThrownBy(() -> run(Map.of("definition", definition("x"), "tool", "podman-compose")))
        .hasMessageContaining("tool=podman-compose: podman-compose is not on the PATH");
    assertThat(project).doesNotExist();
    assertThat(calls()).isEmpty();
  }

  @Test
  void noComposeTool_isAClearError() throws Exception {
    assertThatThrownBy(() -> run(Map.of("definition", definition("x"))))
        .hasMessageContaining("no compose tool on this host");
  }

  @Test
  void hash_dependsOnNamesAndContents_notOrder() {
    Map<String, byte[]> a = new LinkedHashMap<>();
    a.put("compose.yaml", "x".getBytes());
    a.put(".env", "y".getBytes());
    Map<String, byte[]> b = new LinkedHashMap<>();
    b.put(".env", "y".getBytes());
    b.put("compose.yaml", "x".getBytes());
    assertThat(DockerComposeModule.hash(a)).isEqualTo(DockerComposeModule.hash(b));
    b.put(".env", "z".getBytes());
    assertThat(DockerComposeModule.hash(a)).isNotEqualTo(DockerComposeModule.hash(b));
  }
}
