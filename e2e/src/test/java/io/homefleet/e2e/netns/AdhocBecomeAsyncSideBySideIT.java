package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.e2e.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 3, ad-hoc: {@code homefleet run} and Debian's {@code ansible} given the same
 * {@code -b}, {@code --become-user}, {@code -B}/{@code -P} and {@code -m async_status} on one
 * network-namespace host (a user the test creates): the users the modules ran as, the started
 * job, what async_status reads and removes, a polled job and one past its limit must be equal.
 * Then a play with {@code uri} as that user, run by both tools: the same end state and recap.
 */
class AdhocBecomeAsyncSideBySideIT {
  private static final String USER = "hfadhoc";
  /** The uri case's web server, on the host's own loopback (its namespace is the test's). */
  private static final int PORT = 18080;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The fields both tools' results are compared on (Ansible adds timings and the invocation). */
  private static final List<String> COMPARED = List.of("status", "changed", "failed", "started", "finished", "rc",
      "stdout", "stderr", "msg", "results_file", "erased");

  @Test
  void becomeAndAsync_adhoc_giveAnsiblesResults(@TempDir Path tmp) throws Exception {
    run(List.of("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER));
    try (TestHosts net = TestHosts.create(tmp.resolve("net"), "sbs-h");
        TestController controller = TestController.start(net, tmp.resolve("controller"))) {
      TestHost host = net.host("sbs-h");
      controller.enroll(host, "dev", Map.of("suite", "side-by-side"));
      controller.awaitStatus(Duration.ofSeconds(90), "online", "sbs-h");
      Path work = tmp.resolve("side-by-side");
      SideBySide tools = new SideBySide(controller, host, work);
      // The test user must reach ansible's module files: the temporary directories above them are the test's alone.
      SideBySide.openToOthers(work);
      run(List.of("chmod", "1777", work.resolve("ansible-tmp").toString()));

      SideBySide.AdHoc root = tools.adhoc("-b", "-m", "command", "-a", "id -un");
      assertThat(commandOutput(root.homefleet(), "sbs-h")).as(root.both()).isEqualTo("root")
          .isEqualTo(commandOutput(root.ansible(), "sbs-h"));
      SideBySide.AdHoc as = tools.adhoc("-b", "--become-user", USER, "--become-method", "sudo", "-m", "shell", "-a",
          "echo $(id -un) $(id -gn) $HOME");
      assertThat(commandOutput(as.homefleet(), "sbs-h")).as(as.both()).isEqualTo(USER + " " + USER + " /home/" + USER)
          .isEqualTo(commandOutput(as.ansible(), "sbs-h"));

      SideBySide.AdHoc unknown = tools.adhoc("-b", "--become-user", "nosuchuser-hf", "-m", "command", "-a", "true");
      assertThat(unknown.homefleet().exitCode()).as(unknown.both()).isEqualTo(2).isEqualTo(unknown.ansible().exitCode());
      assertThat(unknown.homefleet().stdout()).contains("sbs-h | FAILED", "'nosuchuser-hf'", "no such user");

      // Fire and forget as the user, then async_status as that user until the job ends, then its cleanup.
      SideBySide.AdHoc started = tools.adhoc("-b", "--become-user", USER, "-B", "30", "-P", "0", "-m", "shell", "-a",
          "sleep 1; echo done");
      Map<String, Object> hfStarted = jsonResult(started.homefleet(), "sbs-h");
      Map<String, Object> ansStarted = jsonResult(started.ansible(), "sbs-h");
      String hfJid = (String) hfStarted.get("ansible_job_id");
      String ansJid = (String) ansStarted.get("ansible_job_id");
      assertThat(compared(hfStarted, hfJid)).as(started.both()).isEqualTo(compared(ansStarted, ansJid))
          .containsEntry("started", 1).containsEntry("finished", 0)
          .containsEntry("results_file", "/home/" + USER + "/.ansible_async/JID");

      Map<String, Object> hfDone = awaitFinished(controller, host, work, false, hfJid);
      Map<String, Object> ansDone = awaitFinished(controller, host, work, true, ansJid);
      assertThat(compared(hfDone, hfJid)).as(hfDone + "\n----- ansible -----\n" + ansDone)
          .isEqualTo(compared(ansDone, ansJid)).containsEntry("stdout", "done").containsEntry("rc", 0);

      Map<String, Object> hfClean = jsonResult(status(controller, host, work, false, hfJid, "mode=cleanup"), "sbs-h");
      Map<String, Object> ansClean = jsonResult(status(controller, host, work, true, ansJid, "mode=cleanup"), "sbs-h");
      assertThat(compared(hfClean, hfJid)).as(hfClean + "\n----- ansible -----\n" + ansClean)
          .isEqualTo(compared(ansClean, ansJid)).containsEntry("erased", "/home/" + USER + "/.ansible_async/JID");
      assertThat(Path.of("/home", USER, ".ansible_async", hfJid)).doesNotExist();

      // Polled: the job's result at once; past its limit: Ansible's failure.
      SideBySide.AdHoc polled = tools.adhoc("-b", "--become-user", USER, "-B", "10", "-P", "1", "-m", "command", "-a",
          "whoami");
      Map<String, Object> hfPolled = jsonResult(polled.homefleet(), "sbs-h");
      Map<String, Object> ansPolled = jsonResult(polled.ansible(), "sbs-h");
      assertThat(compared(hfPolled, (String) hfPolled.get("ansible_job_id"))).as(polled.both())
          .isEqualTo(compared(ansPolled, (String) ansPolled.get("ansible_job_id"))).containsEntry("stdout", USER);
      SideBySide.AdHoc slow = tools.adhoc("-b", "--become-user", USER, "-B", "1", "-P", "1", "-m", "command", "-a",
          "sleep 4");
      assertThat(slow.homefleet().exitCode()).as(slow.both()).isEqualTo(2).isEqualTo(slow.ansible().exitCode());
      // No job id in it: ansible prints it in the command's form, and so does homefleet.
      assertThat(slow.homefleet().stdout().strip()).as(slow.both()).isEqualTo(slow.ansible().stdout().strip())
          .isEqualTo("sbs-h | FAILED | rc=-1 >>\nasync task did not complete within the requested time - 1s");

      uriAsTheUser(tools, host, tmp);
    } finally {
      run(List.of("userdel", "--remove", USER));
    }
  }

  /**
   * Stretch of part 3: {@code uri} with {@code become_user}, in a play run by both tools, against a
   * page served on the host's loopback: dest is the user's, a dest it cannot write fails.
   */
  private void uriAsTheUser(SideBySide tools, TestHost host, Path tmp) throws Exception {
    SideBySide.openToOthers(Files.createDirectories(host.root().resolve("side-by-side")));
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("page.txt"), "served\n");
    Path log = tmp.resolve("http.log");
    Process server = new ProcessBuilder("ip", "netns", "exec", host.namespace(), "python3", "-m", "http.server",
        String.valueOf(PORT), "--bind", "127.0.0.1", "--directory", site.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      Waits.until("the page is served", Duration.ofSeconds(15), Duration.ofMillis(200), server,
          () -> Commands.run(Duration.ofSeconds(5), "ip", "netns", "exec", host.namespace(), "python3", "-c",
              "import urllib.request; urllib.request.urlopen('http://127.0.0.1:" + PORT + "/page.txt')").ok(),
          () -> Files.readString(log));
      Path play = Files.createDirectories(tmp.resolve("pb")).resolve("become-uri.yml");
      try (var in = getClass().getResourceAsStream("/side-by-side/become-uri.yml")) {
        Files.writeString(play, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .replace("PORT", String.valueOf(PORT)));
      }
      SideBySide.Round round = tools.play(play).assertSame();
      assertThat(round.homefleet().exitCode()).as(round.homefleet().all()).isZero();
      assertThat(round.homefleetRecap()).containsEntry("failed", 0).containsEntry("ignored", 1);
      assertThat(round.homefleetState().get("/u/page.txt")).contains(USER + ":" + USER, "served");
      assertThat(round.homefleetState().get("/got")).contains("status=200", "content=served", "path=page.txt");
      assertThat(round.homefleetState()).containsEntry("/denied", "file rw-r--r-- root:root \"failed=True\"")
          .containsEntry("/locked", "dir rwxr-xr-x root:root").doesNotContainKey("/locked/not-theirs.txt");
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /** {@code -m async_status -a 'jid=J ...'} as the test user, by homefleet or by ansible. */
  private static CommandResult status(TestController controller, TestHost host, Path work, boolean ansible, String jid,
      String more) {
    List<String> args = new ArrayList<>(List.of("-b", "--become-user", USER, "-m", "async_status", "-a",
        ("jid=" + jid + " " + more).trim()));
    if (!ansible) {
      List<String> hf = new ArrayList<>(List.of("run", "sbs-h"));
      hf.addAll(args);
      return controller.cli(hf.toArray(String[]::new));
    }
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "/usr/bin/ansible", "sbs-h", "-i",
        work.resolve("ansible-inventory.yml").toString()));
    cmd.addAll(args);
    return Commands.run(Duration.ofSeconds(60), cmd, SideBySide.ansibleEnv(work));
  }

  private static Map<String, Object> awaitFinished(TestController controller, TestHost host, Path work, boolean ansible,
      String jid) {
    @SuppressWarnings("unchecked")
    Map<String, Object>[] last = new Map[1];
    CommandResult[] out = {null};
    Waits.until((ansible ? "ansible" : "homefleet") + " job " + jid + " finished", Duration.ofSeconds(30),
        Duration.ofMillis(500), null, () -> {
          out[0] = status(controller, host, work, ansible, jid, "");
          last[0] = jsonResult(out[0], "sbs-h");
          return Integer.valueOf(1).equals(last[0].get("finished"));
        }, () -> out[0] == null ? "" : out[0].all());
    return last[0];
  }

  /** The compared fields of a result, its job id written as {@code JID}. */
  private static Map<String, Object> compared(Map<String, Object> result, String jid) {
    Map<String, Object> m = new TreeMap<>();
    for (String k : COMPARED) {
      // Ansible's command module returns msg '' on success, where homefleet's (in plays too) has none.
      if (result.containsKey(k) && !(k.equals("msg") && "".equals(result.get(k)))) {
        Object v = result.get(k);
        m.put(k, v instanceof String s && !jid.isEmpty() ? s.replace(jid, "JID") : v);
      }
    }
    return m;
  }

  /** A {@code HOST | STATUS => {...}} result, with its status word (ansible's SUCCESS read as OK) as "status". */
  static Map<String, Object> jsonResult(CommandResult r, String host) {
    Matcher m = Pattern.compile("(?ms)^" + Pattern.quote(host) + " \\| (\\w+)!? => (\\{.*?^\\})").matcher(r.stdout());
    if (!m.find()) {
      throw new AssertionError("no JSON result for " + host + " in:\n" + r.all());
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = JSON.readValue(m.group(2), Map.class);
      Map<String, Object> out = new TreeMap<>(parsed);
      out.put("status", m.group(1).equals("SUCCESS") ? "OK" : m.group(1));
      return out;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + m.group(2) + "\n" + r.all(), e);
    }
  }

  /** The output under a {@code HOST | CHANGED | rc=0 >>} line, without its trailing newline. */
  static String commandOutput(CommandResult r, String host) {
    Matcher m = Pattern.compile("(?ms)^" + Pattern.quote(host) + " \\| CHANGED \\| rc=0 >>\\n(.*?)\\n*\\z")
        .matcher(r.stdout());
    if (!m.find()) {
      throw new AssertionError("no changed command result for " + host + " in:\n" + r.all());
    }
    return m.group(1);
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue());
    }
  }
}
