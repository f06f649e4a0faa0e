package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.plan.TaskStatus;
import io.homefleet.playbook.run.SecretMask;
import io.homefleet.playbook.vault.VaultCipher;
import io.homefleet.playbook.vault.VaultSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's answers to a running play's lookup, include_vars and fetch calls, from the
 * run's playbook tree, vault and data directory; an included vault value is masked by the
 * controller in what the host reports afterwards.
 */
class PlayCoordinatorCallsTest {
  private static final String SECRET = "incl-Pa55w0rd-77";
  private static final VaultSecret PW = VaultSecret.of("default", "hunter2");

  /** A host that asks the controller three things, reports the secret in clear, then its recap. */
  private static final class AskingAgent implements PlayDispatcher {
    final List<Calls.Answer> answers = new CopyOnWriteArrayList<>();
    PlayCoordinator coordinator;

    @Override
    public boolean isOnline(String host) {
      return true;
    }

    @Override
    public boolean dispatch(String host, Assignment a) {
      new Thread(() -> {
        String id = a.assignmentId();
        coordinator.call(host, new Calls.Lookup(id, 1, "file", List.of(host + ".txt"), Map.of(), ""), answers::add);
        coordinator.call(host, new Calls.Lookup(id, 2, "file", List.of("nope"), Map.of(), ""), answers::add);
        coordinator.call(host, new Calls.IncludeVars(id, 3, Map.of("_raw_params", "secret.yml"), ""), answers::add);
        coordinator.call(host, new Calls.Fetch(id, 4, 1, "/etc/motd", "backup", false, false,
            "hi".getBytes(StandardCharsets.UTF_8)), answers::add);
        TaskRef ref = new TaskRef(1, "tasks/0", "uses it", "site.yml:4:7", false);
        coordinator.taskFinished(host, id, new TaskResult(ref, TaskStatus.OK, false, Map.of("msg", "got " + SECRET),
            List.of()));
        coordinator.playFinished(host, id, new HostOutcome(new PlayRecap(1, 0, 0, 0, 0, 0, 0, PlayRecap.End.COMPLETED,
            Map.of(), Map.of()), false, ""), () -> { });
      }).start();
      return true;
    }

    @Override
    public boolean cancel(String host, String assignmentId, String reason) {
      return true;
    }
  }

  @Test
  void calls_areAnsweredFromTheRun_andIncludedSecretsAreMasked(@TempDir Path tmp) throws Exception {
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Files.writeString(pb.resolve("site.yml"), "- hosts: all\n  gather_facts: false\n  tasks:\n    - ping:\n");
    Files.createDirectories(pb.resolve("files"));
    Files.writeString(pb.resolve("files/web1.txt"), "for web1\n");
    Files.createDirectories(pb.resolve("vars"));
    Files.writeString(pb.resolve("vars/secret.yml"), VaultCipher.encrypt(("token: " + SECRET + "\n")
        .getBytes(StandardCharsets.UTF_8), PW));
    Path inv = Files.writeString(tmp.resolve("hosts.ini"), "web1\n");
    List<String> shown = new CopyOnWriteArrayList<>();
    CompletableFuture<String> done = new CompletableFuture<>();
    AskingAgent agent = new AskingAgent();
    Path data = tmp.resolve("data");
    try (Store store = Store.open(data)) {
      GroupCommit writes = new GroupCommit(store);
      try {
        PlayCoordinator c = new PlayCoordinator(store, writes, agent, h -> Map.of(), Clock.systemUTC());
        agent.coordinator = c;
        c.start(new PlayCoordinator.PlaySpec(pb, pb.resolve("site.yml"), Optional.of(inv), "", List.of(), List.of(),
            false, false, Map.of(), List.of(), "site.yml", Duration.ZERO, List.of(PW)), "test", new PlayListener() {
              @Override
              public void taskFinished(String host, int playIndex, TaskResult result) {
                shown.add(String.valueOf(result.result()));
              }

              @Override
              public void finished(String state, Map<String, Totals> totals) {
                done.complete(state);
              }
            });
        assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo("succeeded");
      } finally {
        writes.close();
      }
    }
    assertThat(agent.answers).hasSize(4);
    assertThat(agent.answers.get(0).values()).containsExactly("for web1");
    assertThat(agent.answers.get(1).error()).contains("could not locate file in lookup: nope");
    Calls.Answer included = agent.answers.get(2);
    assertThat(included.result().get("ansible_facts")).isEqualTo(Map.of("token", SECRET));
    assertThat(included.secrets()).containsExactly(SECRET);
    assertThat(agent.answers.get(3).result()).containsEntry("changed", true);
    assertThat(Files.readString(data.resolve("fetched/backup/web1/etc/motd"))).isEqualTo("hi");
    assertThat(shown).containsExactly("{msg=got " + SecretMask.MASK + "}");
  }
}
