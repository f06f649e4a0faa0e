package io.homefleet.controller.enroll;

import io.homefleet.pki.Keys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Enrollment token syntax: {@code hf1.} followed by 256 random bits, base64url. Only hashes are stored. */
public final class Tokens {
  static final String PREFIX = "hf1.";
  private static final Pattern SHAPE = Pattern.compile("hf1\\.[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

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
