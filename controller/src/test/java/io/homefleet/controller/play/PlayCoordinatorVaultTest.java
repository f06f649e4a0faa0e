package io.homefleet.controller.play;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.run.GroupCommit;
import io.homefleet.controller.store.Store;
import io.homefleet.playbook.plan.HostPlan;
import io.homefleet.playbook.plan.PlanCodec;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with vault passwords: the plan carries the secret its task names, and what an agent
 * reports is masked again by the controller before it is stored or shown, even from an agent that
 * sent it in clear.
 */
class PlayCoordinatorVaultTest {
  private static final String SECRET = "db-Pa55w0rd-91b3";
  private static final VaultSecret PW = VaultSecret.of("default", "hunter2");

  /** An agent that does not mask: it reports the secret in clear, then its recap. */
  private static final class CarelessAgent implements PlayDispatcher {
    final List<HostPlan> plans = new CopyOnWriteArrayList<>();
    PlayCoordinator coordinator;

    @Override
    public boolean isOnline(String host) {
      return true;
    }

    @Override
    public boolean dispatch(String host, Assignment a) {
      try {
        plans.add(PlanCodec.decode(a.plan()));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      new Thread(() -> {
        TaskRef ref = new TaskRef(1, "tasks/0", "use " + SECRET, "site.yml:9:7", false);
        coordinator.taskFinished(host, a.assignmentId(), new TaskResult(ref, TaskStatus.OK, false,
            Map.of("msg", "the password is " + SECRET), List.of()));
        coordinator.playFinished(host, a.assignmentId(), new HostOutcome(new PlayRecap(1, 0, 0, 0, 0, 0, 0,
            PlayRecap.End.COMPLETED, Map.of(), Map.of()), false, ""), () -> { });
      }).start();
      return true;
    }

    @Override
    public boolean cancel(String host, String assignmentId, String reason) {
      return true;
    }
  }

  @Test
  void run_withVaultPasswords_sendsTheSecret_storesAndShowsItMasked(@TempDir Path tmp) throws Exception {
    Path pb = Files.createDirectories(tmp.resolve("pb"));
    Files.writeString(pb.resolve("site.yml"), "- hosts: all\n  gather_facts: false\n  vars:\n    db_password: !vault |\n"
        + VaultCipher.encrypt(SECRET.getBytes(StandardCharsets.UTF_8), PW).indent(6)
        + "  tasks:\n    - debug: msg=\"{{ db_password }}\"\n");
    Path inv = Files.writeString(tmp.resolve("hosts.ini"), "a\n");
    List<String> shown = new CopyOnWriteArrayList<>();
    CompletableFuture<String> done = new CompletableFuture<>();
    CarelessAgent agent = new CarelessAgent();
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
                shown.add(result.task().name() + " " + result.result());
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

    assertThat(agent.plans).singleElement().satisfies(p -> {
      assertThat(p.mergedVars()).containsEntry("db_password", SECRET);
      assertThat(p.secrets()).containsExactly(SECRET);
    });
    assertThat(shown).containsExactly("use " + SecretMask.MASK + " {msg=the password is " + SecretMask.MASK + "}");
    try (Stream<Path> files = Files.walk(data)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
      }
    }
  }
}
