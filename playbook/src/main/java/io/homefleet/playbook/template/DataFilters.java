package io.homefleet.playbook.template;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.commons.codec.digest.Sha2Crypt;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Filters that encode and decode: JSON, YAML, base64, hashes and password hashes. */
final class DataFilters {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS);
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  private DataFilters() {}

  static List<AnsibleFilter> all() {
    return List.of(
        AnsibleFilter.of("to_json", (v, a) -> {
          Object indent = a.get(-1, "indent", null);
          return Dumps.json(v, indent == null ? -1 : ((Number) indent).intValue(),
              a.bool(-1, "sort_keys", false), indent == null ? ", " : ",");
        }),
        AnsibleFilter.of("to_nice_json", (v, a) -> Dumps.json(v,
            ((Number) a.get(0, "indent", 4L)).intValue(), a.bool(-1, "sort_keys", true), ",")),
        AnsibleFilter.of("from_json", (v, a) -> JSON.readValue(Py.str(v), Object.class)),
        AnsibleFilter.of("to_yaml", (v, a) -> Dumps.yaml(v,
            ((Number) a.get(-1, "indent", 2L)).intValue(), false)),
        AnsibleFilter.of("to_nice_yaml", (v, a) -> Dumps.yaml(v,
            ((Number) a.get(0, "indent", 4L)).intValue(), true)),
        AnsibleFilter.of("from_yaml", (v, a) -> {
          String text = Py.str(v);
          return text.isBlank() ? null : YAML.readValue(text, Object.class);
        }),
        AnsibleFilter.of("b64encode", (v, a) -> Base64.getEncoder().encodeToString(
            Py.str(v).getBytes(Charset.forName(a.string(0, "encoding", "utf-8"))))),
        AnsibleFilter.of("b64decode", (v, a) -> new String(Base64.getMimeDecoder().decode(Py.str(v)),
            Charset.forName(a.string(0, "encoding", "utf-8")))),
        AnsibleFilter.of("hash", (v, a) -> hash(Py.str(v), a.string(0, "hashtype", "sha1"))),
        AnsibleFilter.of("checksum", (v, a) -> hash(Py.str(v), "sha1")),
        AnsibleFilter.of("md5", (v, a) -> hash(Py.str(v), "md5")),
        AnsibleFilter.of("sha1", (v, a) -> hash(Py.str(v), "sha1")),
        AnsibleFilter.of("password_hash", (v, a) -> {
          String type = a.string(0, "hashtype", "sha512");
          String salt = a.string(1, "salt", null);
          Object rounds = a.get(2, "rounds", null);
          boolean sha512 = switch (type) {
            case "sha512", "sha512_crypt" -> true;
            case "sha256", "sha256_crypt" -> false;
            default -> throw new IllegalArgumentException("unsupported hash type '" + type
                + "' (sha512, sha256)");
          };
          // crypt(3)'s SHA-crypt: 5000 rounds is the implicit default and then not written into the hash.
          int n = rounds == null ? 5000 : ((Number) rounds).intValue();
          String spec = (sha512 ? "$6$" : "$5$") + (n == 5000 ? "" : "rounds=" + n + "$")
              + (salt == null ? randomSalt() : salt);
          byte[] key = Py.str(v).getBytes(StandardCharsets.UTF_8);
          return sha512 ? Sha2Crypt.sha512Crypt(key, spec) : Sha2Crypt.sha256Crypt(key, spec);
        }));
  }

  /** 16 characters of crypt's alphabet, as passlib makes them (commons-codec's own salts are 8). */
  private static String randomSalt() {
    String alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder salt = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      salt.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return salt.toString();
  }

  static String hash(String text, String type) throws Exception {
    String algorithm = switch (type.toLowerCase(Locale.ROOT)) {
      case "md5" -> "MD5";
      case "sha1" -> "SHA-1";
      case "sha224" -> "SHA-224";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      default -> throw new IllegalArgumentException("unsupported hash type '" + type
          + "' (md5, sha1, sha224, sha256, sha384, sha512)");
    };
    byte[] digest = MessageDigest.getInstance(algorithm).digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  /** Reads JSON into plain maps, lists and scalars (for {@code lookup} and tests). */
  static Object readJson(String text) throws Exception {
    return JSON.readValue(text, Object.class);
  }

}
