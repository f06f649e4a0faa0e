package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {

  @Test
  void fromUri_whenAgent_parsesKindAndName() {
    assertThat(Identity.fromUri("agent://web-1")).isEqualTo(Identity.agent("web-1"));
  }

  @Test
  void fromUri_whenOperator_parsesKindAndName() {
    assertThat(Identity.fromUri("operator://alice")).isEqualTo(Identity.operator("alice"));
  }

  @Test
  void fromUri_whenController_parsesKindAndName() {
    assertThat(Identity.fromUri("controller://ctl.lan")).isEqualTo(new Identity(Identity.Kind.CONTROLLER, "ctl.lan"));
  }

  @Test
  void fromUri_whenRoundTrippedThroughUri_isEqual() {
    for (Identity id : new Identity[] {Identity.agent("a"), Identity.operator("ops_1"),
        new Identity(Identity.Kind.CONTROLLER, "c-1.example")}) {
      assertThat(Identity.fromUri(id.uri().toString())).isEqualTo(id);
      assertThat(id.toString()).isEqualTo(id.uri().toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://web-1",
      "spiffe://example.org/web-1",
      "agent:web-1",
      "Agent://web-1",
      "agent://",
      "agent://Web-1",
      "agent://web-1/",
      "agent://web-1/../db-1",
      "agent://web-1?x=1",
      "agent://web 1",
      "agent://-web",
      "agent://web-",
      "agent://user@web-1",
      "agent://web-1:22",
      "agent://web-1\n",
      "agent://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) // 64 characters
  void fromUri_whenNotOneOfOurs_returnsNull(String uri) {
    assertThat(Identity.fromUri(uri)).isNull();
  }

  @Test
  void fromUri_whenNameIs63Characters_accepts() {
    String name = "a".repeat(63);

    assertThat(Identity.fromUri("agent://" + name)).isEqualTo(Identity.agent(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Web", "web/1", "../etc", "-web", "web-", "web 1", "web:1", "wéb"})
  void constructor_whenInvalidName_throwsNamingIt(String name) {
    assertThatThrownBy(() -> Identity.agent(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid agent name '" + name + "'");
  }

  @Test
  void constructor_whenNameNull_throws() {
    assertThatThrownBy(() -> Identity.operator(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_whenKindNull_throws() {
    assertThatThrownBy(() -> new Identity(null, "web-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kind");
  }

  @Test
  void isValidName_acceptsSingleCharacterAndDotsUnderscores() {
    assertThat(Identity.isValidName("a")).isTrue();
    assertThat(Identity.isValidName("web_1.lan")).isTrue();
  }
}
