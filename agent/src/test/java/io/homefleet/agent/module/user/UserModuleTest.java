package io.homefleet.agent.module.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Real useradd/usermod on this machine (a disposable sandbox where tests run as root); unique names, cleaned up. */
class UserModuleTest {
  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void sh(String... argv) throws Exception {
    new ProcessBuilder(argv).inheritIO().start().waitFor();
  }

  @Test
  void groupsWithoutAppend_replaceTheSupplementaryGroups() throws Exception {
    String name = unique("hf-test-r");
    try {
      Run.of(new UserModule(), Map.of("name", name, "groups", "adm,users", "create_home", false)).go();
      assertThat(Accounts.system().supplementary(name)).containsExactlyInAnyOrder("adm", "users");
      Outcome o = Run.of(new UserModule(), Map.of("name", name, "groups", List.of("users"))).diff().go();
      assertThat(o.changed()).isTrue();
      assertThat(Accounts.system().supplementary(name)).containsExactly("users");
      assertThat(Run.of(new UserModule(), Map.of("name", name, "groups", List.of("users"))).go().changed()).isFalse();
    } finally {
      sh("userdel", name);
    }
  }

  @Test
  void passwordHash_isSetAndComparedNotLogged() throws Exception {
    String name = unique("hf-test-p");
    String hash = "$6$saltsalt$Dq2Z6VnE0Pq0fX1o9dI0K4x8m0F4o8Ivy3K4yZ4cYb8w6mE0g3q3T2pQe7m2bqT0qgk6dYkC8yX3h0vLJ5cL/.";
    try {
      Outcome o = Run.of(new UserModule(), Map.of("name", name, "password", hash, "create_home", false)).go();
      assertThat(o.data()).containsEntry("password", "NOT_LOGGING_PASSWORD");
      assertThat(Accounts.system().passwordHash(name)).hasValue(hash);
      assertThat(Run.of(new UserModule(), Map.of("name", name, "password", hash)).go().changed()).isFalse();
    } finally {
      sh("userdel", name);
    }
  }

  @Test
  void absent_withRemove_deletesTheHome() throws Exception {
    String name = unique("hf-test-a");
    sh("useradd", "-m", name);
    Path home = Path.of("/home", name);
    assertThat(home).isDirectory();
    Outcome o = Run.of(new UserModule(), Map.of("name", name, "state", "absent", "remove", true)).go();
    assertThat(o.changed()).isTrue();
    assertThat(Files.exists(home)).isFalse();
    assertThat(Accounts.system().user(name)).isEmpty();
  }

  @Test
  void unknownGroup_failsBeforeAnythingChanges() {
    String name = unique("hf-test-x");
    assertThatThrownBy(() -> Run.of(new UserModule(), Map.of("name", name, "group", "no-such-group-hf")).go())
        .hasMessageContaining("Group no-such-group-hf does not exist");
  }

  @Test
  void newUser_inCheckMode_isAChangeEvenIfItsGroupIsOnlyAboutToBeCreated() throws Exception {
    // Ansible's check mode: a group task before it only reported the group; the user is a change.
    String name = unique("hf-test-c");
    Outcome o = Run.of(new UserModule(), Map.of("name", name, "group", name, "groups", List.of("sudo"))).check()
        .go();
    assertThat(o.changed()).isTrue();
    assertThat(Accounts.system().user(name)).isEmpty();
    // An existing user with a missing group fails in check mode too, as Ansible's usermod path does.
    assertThatThrownBy(() -> Run.of(new UserModule(), Map.of("name", "root", "group", "no-such-group-hf")).check()
        .go()).hasMessageContaining("Group no-such-group-hf does not exist");
  }

  @Test
  void group_gidChange_isPlannedAndApplied() throws Exception {
    String name = unique("hf-test-g");
    try {
      Run.of(new GroupModule(), Map.of("name", name, "gid", 64123)).go();
      assertThat(Accounts.system().group(name).get().gid()).isEqualTo(64123);
      Outcome o = Run.of(new GroupModule(), Map.of("name", name, "gid", 64124)).check().diff().go();
      assertThat(o.changed()).isTrue();
      assertThat(Accounts.system().group(name).get().gid()).isEqualTo(64123);
      Run.of(new GroupModule(), Map.of("name", name, "gid", 64124)).go();
      assertThat(Accounts.system().group(name).get().gid()).isEqualTo(64124);
    } finally {
      sh("groupdel", name);
    }
  }

  @Test
  void expiresAndPasswordAging_areSetAndThenInSync() throws Exception {
    String name = unique("hf-test-e");
    Map<String, Object> args = Map.of("name", name, "create_home", false, "expires", 1893456000,
        "password_expire_max", 90, "password_expire_min", 1);
    try {
      assertThat(Run.of(new UserModule(), args).go().changed()).isTrue();
      String[] shadow = Accounts.system().shadow(name).orElseThrow();
      assertThat(shadow[3]).isEqualTo("1");
      assertThat(shadow[4]).isEqualTo("90");
      assertThat(shadow[7]).isEqualTo(Long.toString(1893456000L / 86400));
      assertThat(Run.of(new UserModule(), args).go().changed()).isFalse();
      Outcome o = Run.of(new UserModule(), Map.of("name", name, "expires", -1, "password_expire_max", 60)).go();
      assertThat(o.changed()).isTrue();
      assertThat(Accounts.system().shadow(name).orElseThrow()[7]).isEmpty();
      assertThat(Accounts.system().shadow(name).orElseThrow()[4]).isEqualTo("60");
    } finally {
      sh("userdel", name);
    }
  }
}
