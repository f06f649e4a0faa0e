package io.homefleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {
  private static final String HEX = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
  private static final String CANONICAL =
      "sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

  private static String caFingerprint;

  @BeforeAll
  static void fingerprintACa() {
    caFingerprint = TestPki.newCa("homefleet-ca").authority().fingerprint();
  }

  @Test
  void normaliseFingerprint_whenCanonical_returnsItUnchanged() throws Exception {
    assertThat(Keys.normaliseFingerprint(CANONICAL)).isEqualTo(CANONICAL);
  }

  @Test
  void normaliseFingerprint_whenLowerCase_returnsCanonical() throws Exception {
    assertThat(Keys.normaliseFingerprint(CANONICAL.toLowerCase(Locale.ROOT))).isEqualTo(CANONICAL);
  }

  @Test
  void normaliseFingerprint_whenUpperCasePrefix_returnsCanonical() throws Exception {
    assertThat(Keys.normaliseFingerprint("SHA256:" + CANONICAL.substring("sha256:".length()))).isEqualTo(CANONICAL);
  }

  @Test
  void normaliseFingerprint_whenWithoutPrefix_returnsCanonical() throws Exception {
    assertThat(Keys.normaliseFingerprint(CANONICAL.substring("sha256:".length()))).isEqualTo(CANONICAL);
  }

  @Test
  void normaliseFingerprint_whenWithoutColons_returnsCanonical() throws Exception {
    assertThat(Keys.normaliseFingerprint("sha256:" + HEX)).isEqualTo(CANONICAL);
    assertThat(Keys.normaliseFingerprint(HEX.toLowerCase(Locale.ROOT))).isEqualTo(CANONICAL);
  }

  @Test
  void normaliseFingerprint_whenSurroundedBySpaces_returnsCanonical() throws Exception {
    assertThat(Keys.normaliseFingerprint("  " + CANONICAL + "\n")).isEqualTo(CANONICAL);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "sha256:",
      "sha256:00:11:22",                                    // too short
      "sha256:" + HEX + "00",                               // 33 bytes
      "sha256:ZZ112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF", // not hex
      "sha1:00112233445566778899AABBCCDDEEFF00112233",      // another digest
      "sha256:sha256:" + HEX})
  void normaliseFingerprint_whenNotThirtyTwoHexBytes_rejectsWithClearMessage(String text) {
    assertThatThrownBy(() -> Keys.normaliseFingerprint(text))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("not a SHA-256 fingerprint")
        .hasMessageContaining("32 hex bytes");
  }

  @Test
  void normaliseFingerprint_whenNull_rejects() {
    assertThatThrownBy(() -> Keys.normaliseFingerprint(null))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void fingerprint_ofCa_isCanonicalAndRoundTripsThroughNormalise() throws Exception {
    assertThat(caFingerprint).matches("sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(Keys.normaliseFingerprint(caFingerprint)).isEqualTo(caFingerprint);
    String typed = caFingerprint.substring("sha256:".length()).replace(":", "").toLowerCase(Locale.ROOT);
    assertThat(Keys.normaliseFingerprint(typed)).isEqualTo(caFingerprint);
  }

  @Test
  void fingerprint_differsBetweenCasWithTheSameName() {
    assertThat(TestPki.newCa("homefleet-ca").authority().fingerprint()).isNotEqualTo(caFingerprint);
  }

  @Test
  void isP256_acceptsP256AndRejectsOtherKeys() throws Exception {
    java.security.KeyPairGenerator p384 = java.security.KeyPairGenerator.getInstance("EC");
    p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);

    assertThat(Keys.isP256(Keys.generateP256().getPublic())).isTrue();
    assertThat(Keys.isP256(p384.generateKeyPair().getPublic())).isFalse();
    assertThat(Keys.isP256(rsa.generateKeyPair().getPublic())).isFalse();
  }
}
