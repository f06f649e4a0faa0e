package io.homefleet.playbook.vault;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ansible-vault's format, byte for byte: the {@code $ANSIBLE_VAULT;1.1;AES256} envelope (1.2 with
 * a vault id), and its one cipher, AES256: PBKDF2-HMAC-SHA256 (10,000 iterations) derives 80 bytes
 * from the password and a random 32-byte salt, the AES-256 key, the HMAC-SHA256 key and the CTR
 * counter's start; the PKCS#7-padded plaintext is encrypted in CTR mode and the ciphertext signed.
 * The body is hex of {@code hex(salt) \n hex(hmac) \n hex(ciphertext)}, in lines of 80.
 */
public final class VaultCipher {
  /** What every vault-encrypted text starts with. */
  public static final String HEADER = "$ANSIBLE_VAULT";
  private static final String AES256 = "AES256";
  private static final int ITERATIONS = 10_000;
  private static final int KEY_LENGTH = 32;
  private static final int IV_LENGTH = 16;
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  private VaultCipher() {}

  /** An envelope's header fields and its still-hex body. */
  record Envelope(String version, String cipher, String vaultId, String body) {}

  /** Whether {@code text} is vault data (as ansible-vault decides it: the header, in ASCII). */
  public static boolean isEncrypted(String text) {
    return text.startsWith(HEADER) && StandardCharsets.US_ASCII.newEncoder().canEncode(text);
  }

  /**
   * Encrypts {@code plaintext} as ansible-vault would with {@code secret}: format 1.1 for the
   * default id, 1.2 with the id in the header otherwise; the text ends with a newline.
   */
  public static String encrypt(byte[] plaintext, VaultSecret secret) {
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, secret, salt);
  }

  static String encrypt(byte[] plaintext, VaultSecret secret, byte[] salt) {
    Keys k = keys(secret.password(), salt);
    int pad = 16 - plaintext.length % 16;
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
    Arrays.fill(padded, plaintext.length, padded.length, (byte) pad);
    byte[] ciphertext = k.ctr(Cipher.ENCRYPT_MODE, padded);
    String inner = HEX.formatHex(salt) + "\n" + HEX.formatHex(k.hmac(ciphertext)) + "\n" + HEX.formatHex(ciphertext);
    String body = HEX.formatHex(inner.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder(HEADER);
    if (secret.id().equals(VaultSecret.DEFAULT_ID)) {
      out.append(";1.1;").append(AES256);
    } else {
      out.append(";1.2;").append(AES256).append(';').append(secret.id());
    }
    out.append('\n');
    for (int i = 0; i < body.length(); i += 80) {
      out.append(body, i, Math.min(body.length(), i + 80)).append('\n');
    }
    return out.toString();
  }

  /** The header and body of vault text; {@code where} names it in the error. */
  static Envelope envelope(String text, String where) throws VaultException {
    List<String> lines = text.lines().toList();
    String[] header = lines.isEmpty() ? new String[0] : lines.get(0).strip().split(";", -1);
    if (header.length < 3 || !header[0].equals(HEADER)) {
      throw new VaultException("Vault envelope format error in " + where + ": the header is not "
          + HEADER + ";VERSION;CIPHER[;VAULT_ID]");
    }
    String version = header[1].strip();
    String cipher = header[2].strip();
    String id = header.length >= 4 ? header[3].strip() : VaultSecret.DEFAULT_ID;
    if (!version.equals("1.1") && !version.equals("1.2")) {
      throw new VaultException("Vault envelope format error in " + where + ": format version '" + version
          + "' is not 1.1 or 1.2");
    }
    if (!cipher.equals(AES256)) {
      throw new VaultException(cipher + " cipher could not be found (in " + where + ")");
    }
    StringBuilder body = new StringBuilder();
    for (String line : lines.subList(1, lines.size())) {
      body.append(line.strip());
    }
    return new Envelope(version, cipher, id, body.toString());
  }

  /**
   * Decrypts an envelope's body with one password.
   *
   * @return the plaintext, or empty when this password is not the one (the HMAC does not match)
   * @throws VaultException when the body is not vault data at all
   */
  static Optional<byte[]> decrypt(Envelope envelope, byte[] password, String where) throws VaultException {
    byte[] salt;
    byte[] mac;
    byte[] ciphertext;
    try {
      String inner = new String(HEX.parseHex(envelope.body()), StandardCharsets.US_ASCII);
      String[] parts = inner.split("\n", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException("expected salt, hmac and ciphertext");
      }
      salt = HEX.parseHex(parts[0]);
      mac = HEX.parseHex(parts[1]);
      ciphertext = HEX.parseHex(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new VaultException("Vault format unhexlify error in " + where + ": " + e.getMessage());
    }
    Keys k = keys(password, salt);
    if (!MessageDigest.isEqual(k.hmac(ciphertext), mac)) {
      return Optional.empty();
    }
    byte[] padded = k.ctr(Cipher.DECRYPT_MODE, ciphertext);
    int pad = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
    if (pad < 1 || pad > 16 || pad > padded.length) {
      throw new VaultException("Vault format error in " + where + ": invalid padding");
    }
    return Optional.of(Arrays.copyOf(padded, padded.length - pad));
  }

  /** The secrets to try for an envelope, in ansible-vault's order: its own id's first, then the rest. */
  static List<VaultSecret> candidates(Envelope envelope, List<VaultSecret> secrets) {
    List<VaultSecret> out = new ArrayList<>();
    secrets.stream().filter(s -> s.id().equals(envelope.vaultId())).forEach(out::add);
    secrets.stream().filter(s -> !s.id().equals(envelope.vaultId())).forEach(out::add);
    return out;
  }

  private record Keys(byte[] aes, byte[] mac, byte[] iv) {
    byte[] ctr(int mode, byte[] input) {
      try {
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(mode, new SecretKeySpec(aes, "AES"), new IvParameterSpec(iv));
        return c.doFinal(input);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/CTR is part of every JDK", e);
      }
    }

    byte[] hmac(byte[] data) {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(mac, "HmacSHA256"));
        return m.doFinal(data);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
      }
    }
  }

  private static Keys keys(byte[] password, byte[] salt) {
    byte[] derived = pbkdf2(password, salt);
    return new Keys(Arrays.copyOfRange(derived, 0, KEY_LENGTH), Arrays.copyOfRange(derived, KEY_LENGTH, 2 * KEY_LENGTH),
        Arrays.copyOfRange(derived, 2 * KEY_LENGTH, 2 * KEY_LENGTH + IV_LENGTH));
  }

  /**
   * PBKDF2-HMAC-SHA256 over the password's bytes. The JDK's SecretKeyFactory takes a char[] and
   * encodes it as UTF-8, which would change a password file holding bytes that are not UTF-8, so
   * the derivation is written out on the JDK's HMAC.
   */
  private static byte[] pbkdf2(byte[] password, byte[] salt) {
    try {
      Mac prf = Mac.getInstance("HmacSHA256");
      // HMAC accepts an empty key, SecretKeySpec does not; ansible-vault refuses empty passwords anyway.
      prf.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
      int length = 2 * KEY_LENGTH + IV_LENGTH;
      byte[] out = new byte[length];
      int blocks = (length + 31) / 32;
      for (int i = 1; i <= blocks; i++) {
        prf.update(salt);
        prf.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
        byte[] u = prf.doFinal();
        byte[] t = u.clone();
        for (int j = 1; j < ITERATIONS; j++) {
          u = prf.doFinal(u);
          for (int b = 0; b < t.length; b++) {
            t[b] ^= u[b];
          }
        }
        System.arraycopy(t, 0, out, (i - 1) * 32, Math.min(32, length - (i - 1) * 32));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
