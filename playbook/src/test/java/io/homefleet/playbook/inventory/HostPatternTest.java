package io.homefleet.playbook.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPatternTest {
  // web1 web2 (web, prod), db1 (db, prod), box1 (sandbox, site_attic), lone (ungrouped)
  private static final Inventory INV = inventory();

  private static Inventory inventory() {
    try {
      Path dir = Files.createTempDirectory("hp");
      Path f = dir.resolve("hosts");
      Files.writeString(f, "lone\n[web]\nweb1\nweb2\n[db]\ndb1\n[prod:children]\nweb\ndb\n");
      return Inventory.load(f).withEnrolled(List.of(new EnrolledHost("box1", "sandbox", Map.of("site", "attic"))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = "=>", value = {
      "all                 => lone web1 web2 db1 box1",
      "*                   => lone web1 web2 db1 box1",
      "web                 => web1 web2",
      "prod                => web1 web2 db1",
      "db1                 => db1",
      "web*                => web1 web2",
      "web:db              => web1 web2 db1",
      "web,db              => web1 web2 db1",
      "prod:&web           => web1 web2",
      "prod:!web           => db1",
      "!web:prod           => db1",
      "&prod               => web1 web2 db1",
      "!prod               => lone box1",
      "~web[12]            => web1 web2",
      "~(db|box)           => db1 box1",
      "sandbox             => box1",
      "site_attic          => box1",
      "ungrouped           => lone",
      "web[0]              => web1",
      "web[-1]             => web2",
      "prod[1:2]           => web2 db1",
      "dev                 => ''",
      "?b1                 => db1",
  })
  void select(String pattern, String expected) throws Exception {
    List<String> want = expected.isBlank() ? List.of() : List.of(expected.trim().split("\\s+"));
    assertThat(HostPattern.select(INV, pattern.trim()).hosts()).containsExactlyElementsOf(want);
  }

  @Test
  void unknownName_warnsAndMatchesNothing() throws Exception {
    HostPattern.Selection s = HostPattern.select(INV, "web:nosuch");
    assertThat(s.hosts()).containsExactly("web1", "web2");
    assertThat(s.warnings()).containsExactly("Could not match supplied host pattern, ignoring: nosuch");
  }

  @Test
  void emptyLabGroup_isNoWarning() throws Exception {
    assertThat(HostPattern.select(INV, "dev").warnings()).isEmpty();
  }

  @Test
  void limit_intersectsAndReadsFiles(@TempDir Path dir) throws Exception {
    assertThat(HostPattern.select(INV, "prod", "web2,db1,box1").hosts()).containsExactly("web2", "db1");
    Path f = dir.resolve("retry");
    Files.writeString(f, "web1\n# comment\ndb1\n");
    assertThat(HostPattern.select(INV, "all", "@" + f).hosts()).containsExactly("web1", "db1");
  }
}
