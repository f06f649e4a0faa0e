package io.homefleet.playbook.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cases checked against ansible-core 2.14's parse_kv (ansible.parsing.splitter). */
class KeyValueArgsTest {
  @Test
  void keyValues_decodePythonEscapes_asParseKv() {
    assertThat(KeyValueArgs.keyValues("content=\"one\\n\" tab='a\\tb' hex=\\x41\\u00e9 oct=\\101"))
        .containsEntry("content", "one\n").containsEntry("tab", "a\tb").containsEntry("hex", "Aé")
        .containsEntry("oct", "\\101");
    assertThat(KeyValueArgs.keyValues("re='^\\s*\\d+$' both=\\\\d quote=\"a\\\"b\""))
        .containsEntry("re", "^\\s*\\d+$").containsEntry("both", "\\d").containsEntry("quote", "a\"b");
  }

  @Test
  void keyValues_templatedKey_isAKey_asParseKv() {
    assertThat(KeyValueArgs.keyValues("{{ k }}={{ v }} x={{ a == b }}"))
        .containsEntry("{{ k }}", "{{ v }}").containsEntry("x", "{{ a == b }}");
  }
}
