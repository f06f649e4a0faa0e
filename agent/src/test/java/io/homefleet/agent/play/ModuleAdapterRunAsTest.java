package io.homefleet.agent.play;

import io.homefleet.agent.exec.AsyncJobs;
import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.module.Modules;
import io.homefleet.playbook.plan.ModuleResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.run.InvocationContext;
import io.homefleet.playbook.template.Templar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks run as another user (a real one this test creates) and async tasks, through the agent's modules. */
class ModuleAdapterRunAsTest {
  private static final String USER = "hfunit";
  @TempDir Path tmp;

  @BeforeAll
  static void createUser() throws Exception {
    run("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER);
  }

  @AfterAll
  static void removeUser() throws Exception {
    run("userdel", "--remove", USER);
  }

  private ModuleAdapter adapter(AsyncJobs jobs) throws IOException {
    Files.createDirectories(tmp.resolve("work"));
    Files.createDirectories(tmp.resolve("bundle"));
    return new ModuleAdapter(Modules.builtin(), "run", "a1", tmp.resolve("work"), tmp.resolve("bundle"), Templar::new,
        jobs);
  }

  private static InvocationContext as(String user, int async, int poll) {
    return new InvocationContext(false, false, Map.of(), Map.of(), "tasks/0", "p.yml:3:7", user, async, poll);
  }

  @Test
  void command_asAnotherUser_runsWithItsIdsHomeAndEnvironment() throws Exception {
    ModuleResult r = adapter(new AsyncJobs()).invoke("shell",
        Map.of("_raw_params", "echo $(id -un) $(id -gn) $HOME $USER $SUDO_USER $PATH"), as(USER, 0, 0));
    assertThat(r.result().get("stdout")).as(r.result().toString())
        .isEqualTo(USER + " " + USER + " /home/" + USER + " " + USER + " root /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }

  @Test
  void fileModule_asAnotherUser_createsWhatThatUserOwns_andFailsWhereItCannotWrite() throws Exception {
    Path mine = Path.of("/home", USER, "made");
    ModuleResult r = adapter(new AsyncJobs()).invoke("file", Map.of("path", mine.toString(), "state", "directory"),
        as(USER, 0, 0));
    assertThat(r.status()).as(r.result().toString()).isEqualTo(TaskStatus.CHANGED);
    assertThat(Files.getOwner(mine, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo(USER);
    ModuleResult denied = adapter(new AsyncJobs()).invoke("file",
        Map.of("path", tmp.resolve("not-theirs").toString(), "state", "directory"), as(USER, 0, 0));
    assertThat(denied.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(tmp.resolve("not-theirs")).doesNotExist();
  }

  @Test
  void copyTemplateUnarchive_asAnotherUser_writeWhatThatUserOwns_andFailWhereItCannotWrite() throws Exception {
    ModuleAdapter a = adapter(new AsyncJobs());
    Path home = Path.of("/home", USER);
    Path bundle = tmp.resolve("bundle");
    Files.writeString(bundle.resolve("motd.j2"), "hello {{ who }}\n");
    Files.writeString(bundle.resolve("plain.txt"), "plain\n");
    Files.createDirectories(bundle.resolve("tree/sub"));
    Files.writeString(bundle.resolve("tree/sub/leaf"), "leaf\n");
    run("tar", "-C", bundle.resolve("tree").toString(), "-czf", bundle.resolve("t.tgz").toString(), "sub");
    InvocationContext asUser = new InvocationContext(false, false, Map.of("who", "world"), Map.of(), "tasks/0",
        "p.yml:3:7", USER, 0, 0);

    ModuleResult content = a.invoke("copy", Map.of("content", "x\n", "dest", home + "/c.txt"), asUser);
    ModuleResult file = a.invoke("copy", Map.of("src", bundle.resolve("plain.txt").toString(), "dest", home + "/"),
        asUser);
    ModuleResult tree = a.invoke("copy", Map.of("src", bundle.resolve("tree").toString(), "dest", home + "/"), asUser);
    ModuleResult template = a.invoke("template", Map.of("src", bundle.resolve("motd.j2").toString(), "dest",
        home + "/motd"), asUser);
    ModuleResult unarchive = a.invoke("unarchive", Map.of("src", bundle.resolve("t.tgz").toString(), "dest",
        home.toString()), asUser);

    for (ModuleResult r : List.of(content, file, tree, template, unarchive)) {
      assertThat(r.status()).as(r.result().toString()).isEqualTo(TaskStatus.CHANGED);
    }
    assertThat(Files.readString(home.resolve("motd"))).isEqualTo("hello world\n");
    for (String made : List.of("c.txt", "plain.txt", "tree/sub/leaf", "motd", "sub/leaf")) {
      assertThat(Files.getOwner(home.resolve(made), LinkOption.NOFOLLOW_LINKS).getName()).as(made).isEqualTo(USER);
    }
    assertThat(a.invoke("template", Map.of("src", bundle.resolve("motd.j2").toString(), "dest", home + "/motd"),
        asUser).status()).as("a second run changes nothing").isEqualTo(TaskStatus.OK);
    assertThat(a.invoke("copy", Map.of("content", "x\n", "dest", home.toString()), asUser).result())
        .containsEntry("msg", "can not use content with a dir as dest");
    ModuleResult denied = a.invoke("copy", Map.of("content", "x\n", "dest", tmp.resolve("not-theirs").toString()),
        asUser);
    assertThat(denied.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(tmp.resolve("not-theirs")).doesNotExist();
  }

  @Test
  void scriptAndPause_asAnotherUser_runAsThatUser() throws Exception {
    Path script = tmp.resolve("bundle/who.sh");
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\nid -un\n");
    ModuleAdapter a = adapter(new AsyncJobs());
    ModuleResult r = a.invoke("script", Map.of("_raw_params", "who.sh", "_script_file", script.toString()),
        as(USER, 0, 0));
    assertThat(r.status()).as(r.result().toString()).isEqualTo(TaskStatus.CHANGED);
    assertThat(String.valueOf(r.result().get("stdout")).strip()).isEqualTo(USER);
    assertThat(a.invoke("pause", Map.of("seconds", 0), as(USER, 0, 0)).status()).isNotEqualTo(TaskStatus.FAILED);
  }

  @Test
  void fetch_asAnotherUser_failsSayingWhichUserAndWhy() throws Exception {
    ModuleResult r = adapter(new AsyncJobs()).invoke("fetch", Map.of("src", "/etc/hostname", "dest", "/tmp/x"),
        as(USER, 0, 0));
    assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(String.valueOf(r.result().get("msg"))).contains("fetch as '" + USER + "'", "reads the file as that user");
  }

  @Test
  void unknownUser_failsNamingIt() throws Exception {
    ModuleResult r = adapter(new AsyncJobs()).invoke("command", Map.of("_raw_params", "true"),
        as("nosuchuser-hf", 0, 0));
    assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(String.valueOf(r.result().get("msg"))).contains("'nosuchuser-hf'", "no such user");
  }

  @Test
  void async_pollZero_runsInTheBackground_andAsyncStatusReadsItsJobFile() throws Exception {
    AsyncJobs jobs = new AsyncJobs();
    ModuleAdapter a = adapter(jobs);
    ModuleResult started = a.invoke("command", Map.of("_raw_params", "sleep 1"), as("", 10, 0));
    assertThat(started.result()).containsEntry("started", 1).containsEntry("finished", 0);
    String jid = (String) started.result().get("ansible_job_id");
    assertThat(a.invoke("async_status", Map.of("jid", jid), as("", 0, 0)).result()).containsEntry("finished", 0);
    assertThat(jobs.runningCount()).isEqualTo(1);
    jobs.awaitAll();
    ModuleResult done = a.invoke("async_status", Map.of("jid", jid), as("", 0, 0));
    assertThat(done.result()).containsEntry("finished", 1).containsEntry("rc", 0);
    assertThat(a.invoke("async_status", Map.of("jid", jid, "mode", "cleanup"), as("", 0, 0)).result())
        .containsKey("erased");
    assertThat(Path.of((String) started.result().get("results_file"))).doesNotExist();
  }

  @Test
  void async_polled_pastItsLimit_failsAsAnsibleDoes() throws Exception {
    ModuleResult r = adapter(new AsyncJobs()).invoke("command", Map.of("_raw_params", "sleep 5"), as("", 1, 1));
    assertThat(r.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(r.result()).containsEntry("msg", "async task did not complete within the requested time - 1s");
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(List.of(cmd)).inheritIO().start();
    p.waitFor();
  }
}
