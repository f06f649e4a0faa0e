package io.homefleet.agent.config;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.journal.Journal;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.play.PlayExecutor;
import io.homefleet.agent.play.PlaySink;
import io.homefleet.agent.play.PlayWork;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlanCodec;
import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;
import io.homefleet.playbook.template.Templar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link StateDirTest} in a child JVM whose umask the test chose: every writer of the state
 * dir (start, enrollment key, enrolled and renewed identity, status file, journal, a play whose
 * tasks write into its work dir) writes once into the state dir given as the argument; a module at
 * the play's end (in place of ping) lists what in the state dir is not private while the work dir still exists.
 */
public final class StateDirUmaskProbe {
  private StateDirUmaskProbe() {}

  private static final String PLAY = """
      - hosts: all
        gather_facts: false
        tasks:
          - template: {src: motd.j2, dest: "{{ playbook_dir }}/motd"}
          - file: {path: "{{ playbook_dir }}/made/by/file", state: directory}
          - shell: "echo hi > '{{ playbook_dir }}/made/by/shell.txt'"
          - ping: {}
      """;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    StateDir.open(dir);

    Path cfgFile = dir.resolveSibling("agent.yaml");
    Files.writeString(cfgFile, "controller: 127.0.0.1:1\nhost: web-1\ntoken: hf1." + "t".repeat(43)
        + "\nca_fingerprint: \"sha256:" + "00".repeat(32) + "\"\nstate_dir: ./" + dir.getFileName() + "\n");
    IdentityStore ids = new IdentityStore(AgentConfig.load(cfgFile));
    KeyPair kp = ids.enrollmentKey();
    CertificateAuthority ca = CertificateAuthority.create("lab", Duration.ofDays(1));
    ids.saveEnrolled(kp.getPrivate(), ca.issueClient(kp.getPublic(), Identity.agent("web-1"), Duration.ofHours(1)),
        ca.certificate());
    KeyPair renewed = Keys.generateP256();
    ids.saveRenewed(new KeyMaterial(renewed.getPrivate(), List.of(
        ca.issueClient(renewed.getPublic(), Identity.agent("web-1"), Duration.ofHours(1)), ca.certificate())));

    new AgentStatus(dir).set(AgentStatus.State.CONNECTED, "web-1", "ctl:7443", "");

    try (Journal j = Journal.open(dir)) {
      j.begin("t1", Journal.Kind.TASK, "r1", 0);
      j.finish("t1", "hi\n".getBytes(StandardCharsets.UTF_8));
      j.acknowledge("t1");
    }
    Journal.open(dir).close(); // the compaction at open

    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, Module> modules = new HashMap<>(Modules.builtin());
    // Stands in for ping (a module the playbook loader knows), looking at the state dir mid-play.
    modules.put("ping", new Module() {
      @Override
      public String name() {
        return "ping";
      }

      @Override
      public Outcome run(Map<String, Object> a, TaskContext ctx) {
        try {
          seen.add(Files.exists(ctx.workDir().resolve("bundle/made/by/shell.txt")) ? "work dir written" : "work dir empty");
          seen.addAll(PrivateModes.offenders(dir));
        } catch (java.io.IOException e) {
          seen.add(e.toString());
        }
        return Outcome.result(false, "", Map.of());
      }
    });
    CompletableFuture<PlayRecap> recap = new CompletableFuture<>();
    PlaySink sink = new PlaySink() {
      @Override
      public void taskStarted(PlayWork work, TaskRef task) {}

      @Override
      public void itemFinished(PlayWork work, ItemResult item) {}

      @Override
      public void taskFinished(PlayWork work, TaskResult result) {}

      @Override
      public void playFinished(PlayWork work, PlayRecap r) {
        recap.complete(r);
      }

      @Override
      public void playFailed(PlayWork work, String message) {
        recap.completeExceptionally(new AssertionError(message));
      }
    };
    try (PlayExecutor ex = new PlayExecutor(modules, sink, dir, Templar::new)) {
      ex.submit(new PlayWork("r1-p0-web-1", "r1", 0, plan(dir.resolveSibling("pb"))));
      PlayRecap r = recap.get(60, TimeUnit.SECONDS);
      if (r.failed() > 0) {
        throw new AssertionError("the probe's play failed: " + r);
      }
    }
    if (!seen.equals(List.of("work dir written"))) {
      System.out.println("inside the play: " + seen);
      System.exit(1);
    }
    System.out.println("work dir private\nprobe done");
  }

  private static byte[] plan(Path pb) throws Exception {
    Files.createDirectories(pb.resolve("templates"));
    Files.writeString(pb.resolve("templates/motd.j2"), "hello\n");
    Files.writeString(pb.resolve("site.yml"), PLAY);
    LoadedPlaybook loaded = new PlaybookLoader(pb, List.of()).load(pb.resolve("site.yml"));
    return PlanCodec.encode(PlanCompiler.compile(loaded, 0, Map.of(), new PlanOptions(List.of(), List.of(), false,
        false, Map.of())));
  }
}
