package io.homefleet.pki;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Enrollment tokens: {@code hf1.} followed by 256 random bits in base64url. Shared by the
 * controller (mint, hash; only hashes are stored) and the agent (check a configured token
 * before using it).
 */
public final class EnrollmentTokens {
  public static final String PREFIX = "hf1.";
  private static final Pattern SHAPE = Pattern.compile("hf1\\.[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private EnrollmentTokens() {}

  public static String mint() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static boolean wellFormed(String token) {
    return token != null && SHAPE.matcher(token).matches();
  }

  public static String hash(String token) {
    return HexFormat.of().formatHex(Keys.sha256(token.getBytes(StandardCharsets.UTF_8)));
  }
}
