package io.homefleet.playbook.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The SHA-crypt password hashes of glibc's crypt(3) ({@code $5$} SHA-256, {@code $6$} SHA-512),
 * as specified by Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512". The salt is at most 16
 * characters; 5000 rounds is the implicit default and then is not written into the hash.
 */
final class ShaCrypt {
  private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int DEFAULT_ROUNDS = 5000;

  private ShaCrypt() {}

  /** A random 16-character salt from crypt's alphabet. */
  static String randomSalt() {
    SecureRandom random = new SecureRandom();
    StringBuilder salt = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      salt.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return salt.toString();
  }

  /** {@code $6$salt$hash} (or {@code $5$...} for SHA-256). */
  static String crypt(String password, String salt, int rounds, boolean sha512) {
    String algorithm = sha512 ? "SHA-512" : "SHA-256";
    int size = sha512 ? 64 : 32;
    boolean customRounds = rounds != DEFAULT_ROUNDS;
    rounds = Math.max(1000, Math.min(999_999_999, rounds));
    if (salt.length() > 16) {
      salt = salt.substring(0, 16);
    }
    byte[] key = password.getBytes(StandardCharsets.UTF_8);
    byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);

    MessageDigest b = digest(algorithm);
    b.update(key);
    b.update(saltBytes);
    b.update(key);
    byte[] bResult = b.digest();

    MessageDigest a = digest(algorithm);
    a.update(key);
    a.update(saltBytes);
    int cnt;
    for (cnt = key.length; cnt > size; cnt -= size) {
      a.update(bResult, 0, size);
    }
    a.update(bResult, 0, cnt);
    for (cnt = key.length; cnt > 0; cnt >>= 1) {
      if ((cnt & 1) != 0) {
        a.update(bResult, 0, size);
      } else {
        a.update(key);
      }
    }
    byte[] aResult = a.digest();

    MessageDigest dp = digest(algorithm);
    for (int i = 0; i < key.length; i++) {
      dp.update(key);
    }
    byte[] p = repeat(dp.digest(), key.length, size);

    MessageDigest ds = digest(algorithm);
    for (int i = 0; i < 16 + (aResult[0] & 0xff); i++) {
      ds.update(saltBytes);
    }
    byte[] s = repeat(ds.digest(), saltBytes.length, size);

    byte[] c = aResult;
    for (int i = 0; i < rounds; i++) {
      MessageDigest r = digest(algorithm);
      r.update((i & 1) != 0 ? p : c, 0, (i & 1) != 0 ? p.length : size);
      if (i % 3 != 0) {
        r.update(s);
      }
      if (i % 7 != 0) {
        r.update(p);
      }
      r.update((i & 1) != 0 ? c : p, 0, (i & 1) != 0 ? size : p.length);
      c = r.digest();
    }

    StringBuilder out = new StringBuilder(sha512 ? "$6$" : "$5$");
    if (customRounds) {
      out.append("rounds=").append(rounds).append('$');
    }
    out.append(salt).append('$');
    if (sha512) {
      int[][] order = {
        {0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
        {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54},
        {34, 55, 13}, {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60},
        {40, 61, 19}, {62, 20, 41}};
      for (int[] t : order) {
        b64(out, c[t[0]], c[t[1]], c[t[2]], 4);
      }
      b64(out, (byte) 0, (byte) 0, c[63], 2);
    } else {
      int[][] order = {
        {0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14}, {15, 25, 5}, {6, 16, 26},
        {27, 7, 17}, {18, 28, 8}, {9, 19, 29}};
      for (int[] t : order) {
        b64(out, c[t[0]], c[t[1]], c[t[2]], 4);
      }
      b64(out, (byte) 0, c[31], c[30], 3);
    }
    return out.toString();
  }

  private static byte[] repeat(byte[] digest, int length, int size) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = digest[i % size];
    }
    return out;
  }

  private static void b64(StringBuilder out, byte b2, byte b1, byte b0, int n) {
    int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
    for (int i = 0; i < n; i++) {
      out.append(ALPHABET.charAt(w & 0x3f));
      w >>>= 6;
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
    }
  }
}
