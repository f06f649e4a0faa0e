package io.homefleet.agent.module.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModesTest {
  @Test
  void parse_octalStringsAndNumbers_areAbsolute() {
    assertThat(Modes.parse("0644").resolve(0, false)).isEqualTo(0644);
    assertThat(Modes.parse("755").resolve(0, false)).isEqualTo(0755);
    assertThat(Modes.parse("01777").resolve(0, true)).isEqualTo(01777);
    // YAML reads an unquoted 0644 as the integer 420: that number is the mode.
    assertThat(Modes.parse(420L).resolve(0, false)).isEqualTo(0644);
  }

  @Test
  void symbolic_appliesClausesToTheCurrentMode() {
    assertThat(Modes.parse("u+rwx").resolve(0644, false)).isEqualTo(0744);
    assertThat(Modes.parse("u+x,g-r,o=").resolve(0644, false)).isEqualTo(0700);
    assertThat(Modes.parse("a+r").resolve(0600, false)).isEqualTo(0644);
    assertThat(Modes.parse("go-rwx").resolve(0777, false)).isEqualTo(0700);
    assertThat(Modes.parse("u=rw,g=r,o=r").resolve(0777, false)).isEqualTo(0644);
    assertThat(Modes.parse("g=u").resolve(0740, false)).isEqualTo(0770);
    assertThat(Modes.parse("u+s").resolve(0755, false)).isEqualTo(04755);
  }

  @Test
  void symbolicX_setsExecuteOnlyForDirectoriesOrAlreadyExecutable() {
    assertThat(Modes.parse("a+X").resolve(0644, false)).isEqualTo(0644);
    assertThat(Modes.parse("a+X").resolve(0644, true)).isEqualTo(0755);
    assertThat(Modes.parse("a+X").resolve(0744, false)).isEqualTo(0755);
  }

  @Test
  void parse_nonsense_failsNamingTheForms() {
    assertThatThrownBy(() -> Modes.parse("rwxr-xr-x")).hasMessageContaining("octal or symbolic");
    assertThatThrownBy(() -> Modes.parse(99999L)).hasMessageContaining("quote octal modes");
  }

  @Test
  void format_isFourOctalDigits() {
    assertThat(Modes.format(0644)).isEqualTo("0644");
    assertThat(Modes.format(04755)).isEqualTo("4755");
  }
}
