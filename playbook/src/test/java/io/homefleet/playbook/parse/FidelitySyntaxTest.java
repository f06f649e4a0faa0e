package io.homefleet.playbook.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load-time syntax check reads expressions as the renderer does (AnsibleJinjava). */
class FidelitySyntaxTest {
  @TempDir
  Path tmp;

  @Test
  void load_jinja2OnlySyntax_isNoSyntaxError() throws Exception {
    PlaybookFixture fx = new PlaybookFixture(tmp);
    fx.file("p.yml", """
        - hosts: all
          tasks:
            - debug: msg="{{ range(1, n+1) | list }} {{ '%s-%d' % (a, b) }}"
              when: r.null is none and x+1 > 2
        """);
    assertThat(fx.load("p.yml").warnings()).isEmpty();
  }
}
