package io.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.proto.v1.AdhocRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code homefleet run}'s become and async options as ansible's ad-hoc command reads them. */
class RunCommandTest {

  private static AdhocRequest request(String... args) {
    RunCommand c = new RunCommand();
    new CommandLine(c).parseArgs(args);
    return c.request();
  }

  private static String refused(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "run";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = HomefleetMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    assertThat(code).as(err.toString()).isEqualTo(2);
    return err.toString();
  }

  @Test
  void become_withoutUser_meansRoot_asAnsiblesDoes() {
    assertThat(request("all", "-b", "-m", "command", "-a", "id").getBecomeUser()).isEqualTo("root");
    assertThat(request("all", "--become", "--become-user", "postgres", "--become-method", "su").getBecomeUser())
        .isEqualTo("postgres");
    assertThat(request("all", "-b", "--become-method", "sudo").getBecomeUser()).isEqualTo("root");
    assertThat(request("all", "-m", "command", "-a", "id").getBecomeUser()).as("no -b: the agent's own user").isEmpty();
  }

  @Test
  void background_withoutPoll_waitsWithAnsiblesDefault_andPollZeroReturnsAtOnce() {
    AdhocRequest waits = request("all", "-B", "60", "-a", "sleep 1");
    assertThat(waits.getAsyncSeconds()).isEqualTo(60);
    assertThat(waits.getPollSeconds()).isEqualTo(15);
    AdhocRequest background = request("all", "--background", "3600", "--poll", "0", "-a", "sleep 1");
    assertThat(background.getAsyncSeconds()).isEqualTo(3600);
    assertThat(background.getPollSeconds()).isZero();
    assertThat(request("all", "-a", "true").getAsyncSeconds()).isZero();
  }

  @Test
  void badCombinations_failNamingTheOptionAndTheFix() {
    assertThat(refused("all", "--become-user", "postgres", "-a", "id")).contains("--become-user postgres needs -b");
    assertThat(refused("all", "-b", "--become-method", "doas", "-a", "id")).contains("--become-method doas", "sudo or su");
    assertThat(refused("all", "-b", "--become-user", " ", "-a", "id")).contains("--become-user: give a user name");
    assertThat(refused("all", "-P", "0", "-a", "id")).contains("-P 0 needs -B SECONDS");
    assertThat(refused("all", "-B", "0", "-a", "id")).contains("-B 0: give the job's time limit in seconds");
    assertThat(refused("all", "-B", "10", "-P", "-1", "-a", "id")).contains("-P -1");
    assertThat(refused("all", "-B", "10", "-C", "-a", "id")).contains("check mode and async cannot be used");
    assertThat(refused("all", "-B", "10", "--timeout", "5m", "-a", "id")).contains("--timeout and -B");
  }

  @Test
  void background_notANumber_isAPicocliUsageError() {
    RunCommand c = new RunCommand();
    assertThatThrownBy(() -> new CommandLine(c).parseArgs("all", "-B", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--background", "not an int");
  }
}
