package io.homefleet.agent.module.getent;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.module.Run;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the build host's own getent: root, localhost and ssh are on every Debian host. */
class GetentModuleTest {
  @SuppressWarnings("unchecked")
  private static Map<String, Object> facts(Outcome o, String db) {
    return (Map<String, Object>) ((Map<String, Object>) o.data().get("ansible_facts")).get("getent_" + db);
  }

  @Test
  void passwdKey_isSplitOnColons() throws Exception {
    Outcome o = Run.of(new GetentModule(), Map.of("database", "passwd", "key", "root")).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.OK);
    assertThat(facts(o, "passwd")).containsOnlyKeys("root");
    assertThat((List<String>) facts(o, "passwd").get("root")).startsWith("x", "0", "0");
  }

  @Test
  void hosts_isSplitOnWhitespace_andCheckModeReadsToo() throws Exception {
    Outcome o = Run.of(new GetentModule(), Map.of("database", "hosts", "key", "localhost")).check().go();
    assertThat(facts(o, "hosts").keySet()).anySatisfy(k -> assertThat(k).isIn("127.0.0.1", "::1"));
    assertThat(facts(o, "hosts").values()).allSatisfy(v -> assertThat((List<String>) v).contains("localhost"));
  }

  @Test
  void split_overridesTheDefault() throws Exception {
    Outcome o = Run.of(new GetentModule(), Map.of("database", "passwd", "key", "root", "split", "/")).go();
    assertThat(facts(o, "passwd")).containsKey("root:x:0:0:root:");
  }

  @Test
  void wholeDatabase_withoutKey() throws Exception {
    Outcome o = Run.of(new GetentModule(), Map.of("database", "group")).go();
    assertThat(facts(o, "group")).containsKeys("root", "adm", "users");
  }

  @Test
  void missingKey_failsUnlessFailKeyIsOff() throws Exception {
    Outcome failed = Run.of(new GetentModule(), Map.of("database", "passwd", "key", "hf-no-such-user")).go();
    assertThat(failed.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(failed.msg()).isEqualTo("One or more supplied key could not be found in the database.");
    Outcome ok = Run.of(new GetentModule(), Map.of("database", "passwd", "key", "hf-no-such-user", "fail_key", false))
        .go();
    assertThat(ok.status()).isEqualTo(Outcome.Status.OK);
    assertThat(facts(ok, "passwd")).containsEntry("hf-no-such-user", null);
    assertThat(ok.data()).containsEntry("msg", "One or more supplied key could not be found in the database.");
  }

  @Test
  void unknownDatabase_fails() throws Exception {
    Outcome o = Run.of(new GetentModule(), Map.of("database", "nosuchdb")).go();
    assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
    assertThat(o.msg()).isEqualTo("Missing arguments, or database unknown.");
  }

  @Test
  void repeatedFirstField_collectsEveryRecord_asAnsible211() {
    Map<String, Object> r = new LinkedHashMap<>();
    GetentModule.parse("10.0.0.1 a\n10.0.0.1 b\n10.0.0.1 c\n10.0.0.2 d\n", null, r);
    assertThat(r).isEqualTo(Map.of("10.0.0.1", List.of(List.of("a"), List.of("b"), List.of("c")),
        "10.0.0.2", List.of("d")));
    Map<String, Object> colon = new LinkedHashMap<>();
    GetentModule.parse("u::1:\n", ":", colon);
    assertThat(colon).isEqualTo(Map.of("u", Arrays.asList("", "1", "")));
  }
}
