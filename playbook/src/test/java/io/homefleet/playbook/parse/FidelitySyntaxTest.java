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

  @Test
  void load_missingRequiredArgumentOrSrc_isAWarning_theTaskFailsAtRunTime() throws Exception {
    PlaybookFixture fx = new PlaybookFixture(tmp);
    fx.file("p.yml", """
        - hosts: all
          tasks:
            - file: state=touch
              ignore_errors: true
            - copy: src=nofile.txt dest=/tmp/x
              ignore_errors: true
        """);
    LoadedPlaybook pb = fx.load("p.yml");
    assertThat(pb.warnings()).extracting(Object::toString).containsExactly(
        "p.yml:3:7: [WARNING] missing required argument 'path' for module 'file': the task fails when it runs (give path: to"
            + " fix it)",
        "p.yml:5:7: [WARNING] src 'nofile.txt' not found (looked in files/nofile.txt, nofile.txt): the task fails when it runs,"
            + " as in Ansible (add the file, or set remote_src: true for a file on the host)");
  }
}
