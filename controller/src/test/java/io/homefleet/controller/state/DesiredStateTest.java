package io.homefleet.controller.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.controller.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, history, rollback and validation, with a real SQLite store and real checkouts in a temp dir. */
class DesiredStateTest {
  @TempDir
  Path tmp;

  private Store store;
  private DesiredState state;
  private final List<String> changes = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    store = Store.open(tmp.resolve("data"));
    // As the controller passes it with "data_dir: ." in controller.yaml: not normalized.
    state = new DesiredState(store, tmp.resolve("data").resolve(".").resolve("state"), Clock.systemUTC());
    state.onChange(c -> changes.add(c.version()));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static final String SITE = """
      - name: baseline
        hosts: all
        gather_facts: false
        tasks:
          - name: motd
            copy:
              dest: /tmp/motd
              content: "hello\\n"
      """;

  private static StateTree tree(String... pathsAndContents) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      m.put(pathsAndContents[i], pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new StateTree(m);
  }

  @Test
  void version_isTheSameForTheSameFilesInAnyOrder_andDiffersOnAnyByte() {
    StateTree a = tree("site.yml", SITE, "inventory/hosts.yml", "all: {}\n");
    StateTree b = tree("inventory/hosts.yml", "all: {}\n", "site.yml", SITE);
    assertThat(a.version()).isEqualTo(b.version()).hasSize(64);
    assertThat(tree("site.yml", SITE + " ", "inventory/hosts.yml", "all: {}\n").version()).isNotEqualTo(a.version());
    // A path and its content cannot be shifted into each other.
    assertThat(tree("ab", "c").version()).isNotEqualTo(tree("a", "bc").version());
  }

  @Test
  void paths_thatLeaveTheDirectory_areRefused() {
    for (String bad : List.of("../x", "/etc/passwd", "a/../../b", "a//b", "")) {
      assertThatThrownBy(() -> tree(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a path inside the state directory");
    }
  }

  @Test
  void apply_storesAVersion_makesItCurrent_andTellsTheListeners() throws Exception {
    StateTree t = tree("site.yml", SITE);
    DesiredState.Applied a = state.apply(t, "operator://alice", "/home/alice/lab");
    assertThat(a.unchanged()).isFalse();
    assertThat(a.version()).isEqualTo(t.version());
    assertThat(state.current()).get().extracting(DesiredState.Current::version).isEqualTo(t.version());
    assertThat(changes).containsExactly(t.version());
    Path checkout = state.current().get().checkout().dir();
    assertThat(checkout).isEqualTo(tmp.resolve("data/state/versions").resolve(t.version()));
    assertThat(Files.readString(checkout.resolve("site.yml"))).isEqualTo(SITE);
    assertThat(store.state().version(t.version(), true).orElseThrow().files()).containsOnlyKeys("site.yml");
  }

  @Test
  void apply_identicalContentAgain_changesNothing_andSaysSo() throws Exception {
    StateTree t = tree("site.yml", SITE);
    state.apply(t, "alice", "");
    DesiredState.Applied again = state.apply(tree("site.yml", SITE), "bob", "");
    assertThat(again.unchanged()).isTrue();
    assertThat(again.historySeq()).isZero();
    assertThat(state.history(10)).hasSize(1);
    assertThat(changes).hasSize(1);
  }

  @Test
  void history_andRollback_makeAnEarlierVersionCurrentAsANewEntry() throws Exception {
    StateTree v1 = tree("site.yml", SITE);
    StateTree v2 = tree("site.yml", SITE.replace("hello", "hello again"));
    state.apply(v1, "alice", "");
    state.apply(v2, "alice", "");
    DesiredState.Applied back = state.rollback(v1.version().substring(0, 8), "bob");
    assertThat(back.unchanged()).isFalse();
    assertThat(state.current().orElseThrow().version()).isEqualTo(v1.version());
    assertThat(state.history(10)).extracting(h -> h.action() + " " + h.version().substring(0, 8) + " " + h.by())
        .containsExactly("rollback " + v1.version().substring(0, 8) + " bob",
            "apply " + v2.version().substring(0, 8) + " alice",
            "apply " + v1.version().substring(0, 8) + " alice");
    assertThat(changes).containsExactly(v1.version(), v2.version(), v1.version());
    assertThatThrownBy(() -> state.rollback("ffffffff", "bob")).isInstanceOf(DesiredState.UnknownVersionException.class)
        .hasMessageContaining("no state version ffffffff");
    assertThatThrownBy(() -> state.rollback("zz", "bob")).isInstanceOf(DesiredState.UnknownVersionException.class);
  }

  @Test
  void invalidState_isRefusedWhole_withEveryErrorAndItsPlace_andTheCurrentVersionStays() throws Exception {
    StateTree good = tree("site.yml", SITE);
    state.apply(good, "alice", "");
    StateTree bad = tree(
        "site.yml", """
            - name: baseline
              hosts: all
              tasks:
                - name: typo
                  copyy:
                    dest: /tmp/x
            """,
        "homefleet.yml", """
            convergence:
              interval: soon
              mode: sometimes
            schedules:
              - name: wipe
                group: sandbox
                cron: "0 25 * * *"
                playbook: missing.yml
              - name: backup
                group: services
                every: 1d
                task:
                  module: nosuchmodule
            """);
    assertThatThrownBy(() -> state.apply(bad, "alice", "")).isInstanceOf(InvalidStateException.class)
        .satisfies(e -> {
          List<String> errors = ((InvalidStateException) e).errors();
          assertThat(errors).anySatisfy(m -> assertThat(m).startsWith("site.yml:5:7: ").contains("copyy"));
          assertThat(errors).anySatisfy(m -> assertThat(m).startsWith("homefleet.yml:2:13: interval: 'soon' is not a duration"));
          assertThat(errors).anySatisfy(m -> assertThat(m).startsWith("homefleet.yml:3:9: mode: 'sometimes' is not a mode"));
          assertThat(errors).anySatisfy(m -> assertThat(m)
              .startsWith("homefleet.yml:7:11: schedule 'wipe': cron: hour: 25 is out of range 0-23"));
          assertThat(errors).anySatisfy(m -> assertThat(m).startsWith("homefleet.yml:9:5: schedule 'backup': task: "
              + "unknown module 'nosuchmodule'"));
          assertThat(e.getMessage()).contains("the current version stays in force");
        });
    assertThat(state.current().orElseThrow().version()).isEqualTo(good.version());
    assertThat(state.history(10)).hasSize(1);
    assertThat(store.state().versionsLike(bad.version())).isEmpty();
    try (Stream<Path> left = Files.list(tmp.resolve("data/state/tmp"))) {
      assertThat(left).as("no half-written checkout is left").isEmpty();
    }
  }

  @Test
  void aScheduleNamingAMissingPlaybook_isAnErrorAtTheSchedule() throws Exception {
    StateTree bad = tree("site.yml", SITE, "homefleet.yml", """
        schedules:
          - name: wipe
            group: sandbox
            cron: "@weekly"
            playbook: missing.yml
        """);
    assertThatThrownBy(() -> state.apply(bad, "alice", "")).isInstanceOf(InvalidStateException.class)
        .hasMessageContaining("missing.yml: schedule 'wipe' (homefleet.yml:2:5): playbook not found");
    assertThat(state.current()).isEmpty();
  }

  @Test
  void theCurrentVersion_survivesARestart() throws Exception {
    StateTree t = tree("site.yml", SITE, "homefleet.yml", "convergence: {interval: 5m, splay: 0s}\n");
    state.apply(t, "alice", "");
    store.close();
    store = Store.open(tmp.resolve("data"));
    DesiredState reopened = new DesiredState(store, tmp.resolve("data/state"), Clock.systemUTC());
    reopened.load();
    assertThat(reopened.current().orElseThrow().version()).isEqualTo(t.version());
    assertThat(reopened.current().get().checkout().config().convergence().interval()).hasMinutes(5);
  }

  @Test
  void theLabsPlaybooksDirectory_appliesCleanly() throws Exception {
    Path lab = Path.of("..", "playbooks").toAbsolutePath().normalize();
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(lab)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(lab.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    DesiredState.Applied a = state.apply(new StateTree(files), "ci", lab.toString());
    StateConfig c = state.current().orElseThrow().checkout().config();
    assertThat(a.files()).isEqualTo(files.size());
    assertThat(c.site()).isEqualTo("site.yml");
    assertThat(c.schedules()).extracting(StateConfig.Schedule::name).containsExactly("sandbox-wipe", "services-backup",
        "batch-backup", "backup-canary");
    assertThat(c.convergence().modeFor(List.of("all", "workstation"))).isEqualTo(StateConfig.Mode.REPORT);
    assertThat(c.convergence().modeFor(List.of("all", "prod"))).isEqualTo(StateConfig.Mode.ENFORCE);
  }
}
