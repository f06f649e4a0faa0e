package io.homefleet.e2e.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The same playbook run on one network-namespace host by homefleet (its agent there) and by
 * Debian's ansible-playbook (connection local, inside the same namespace), each against its own
 * tree under the host's root, passed to the play as the variable {@code root}. What must be equal:
 * the recap, and the end state of the two trees (type, mode, owner and content of every entry,
 * paths relative to the tree). A play makes its registered results part of the end state by
 * writing the fields it cares about into files, so both tools' results are compared too.
 */
final class SideBySide {
  private static final Pattern RECAP_FIELD = Pattern.compile("(ok|changed|unreachable|failed|skipped|rescued|ignored)=(\\d+)");
  private static final int SHOWN_UP_TO = 4096;

  private final TestController controller;
  private final TestHost host;
  private final Path work;
  private final Path homefleetRoot;
  private final Path ansibleRoot;

  SideBySide(TestController controller, TestHost host, Path work) throws IOException {
    this.controller = controller;
    this.host = host;
    this.work = work;
    this.homefleetRoot = host.root().resolve("side-by-side/homefleet");
    this.ansibleRoot = host.root().resolve("side-by-side/ansible");
    Files.createDirectories(work.resolve("ansible-home"));
    Files.createDirectories(work.resolve("ansible-tmp"));
    Files.writeString(work.resolve("ansible.cfg"), "[defaults]\n");
    Files.writeString(work.resolve("homefleet-inventory.yml"), "all:\n  hosts:\n    " + host.name() + ":\n      root: "
        + homefleetRoot + "\n");
    Files.writeString(work.resolve("ansible-inventory.yml"), "all:\n  hosts:\n    " + host.name() + ":\n"
        + "      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n      root: "
        + ansibleRoot + "\n");
  }

  /** One run of a playbook by both tools. */
  record Round(CommandResult homefleet, CommandResult ansible, Map<String, Integer> homefleetRecap,
      Map<String, Integer> ansibleRecap, Map<String, String> homefleetState, Map<String, String> ansibleState) {

    /** Both recaps and both end states are equal; the message shows both runs when they are not. */
    Round assertSame() {
      String both = homefleet.all() + "\n----- ansible-playbook -----\n" + ansible.all();
      assertThat(homefleetRecap).as("recap\n" + both).isEqualTo(ansibleRecap);
      assertThat(homefleetState).as("end state (homefleet's tree against ansible-playbook's)\n" + both)
          .containsExactlyEntriesOf(ansibleState);
      return this;
    }

    int changed() {
      return homefleetRecap.getOrDefault("changed", -1);
    }
  }

  /** Runs {@code playbook} with homefleet, then with ansible-playbook, and reads both outcomes. */
  Round play(Path playbook) throws IOException {
    CommandResult hf = controller.cli("play", playbook.toString(), "-i", work.resolve("homefleet-inventory.yml").toString());
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "/usr/bin/ansible-playbook",
        "-i", work.resolve("ansible-inventory.yml").toString(), playbook.toString()));
    CommandResult ans = Commands.run(Duration.ofSeconds(300), cmd, ansibleEnv(work));
    return new Round(hf, ans, recap(hf.stdout(), host.name()), recap(ans.stdout(), host.name()), state(homefleetRoot),
        state(ansibleRoot));
  }

  /** One ad-hoc module run by both tools: {@code homefleet run HOST ARGS} and {@code ansible HOST ARGS}. */
  record AdHoc(CommandResult homefleet, CommandResult ansible) {
    /** Both runs, for assertion messages. */
    String both() {
      return homefleet.all() + "\n----- ansible -----\n" + ansible.all();
    }
  }

  /**
   * Runs one module on the host with {@code homefleet run} and with Debian's {@code ansible}
   * (connection local, inside the host's namespace), with the same arguments after the host name
   * ({@code -b}, {@code --become-user}, {@code -B}, {@code -P}, {@code -m}, {@code -a}).
   */
  AdHoc adhoc(String... args) {
    List<String> hf = new ArrayList<>(List.of("run", host.name()));
    hf.addAll(List.of(args));
    CommandResult homefleet = controller.cli(hf.toArray(String[]::new));
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), "/usr/bin/ansible", host.name(),
        "-i", work.resolve("ansible-inventory.yml").toString()));
    cmd.addAll(List.of(args));
    return new AdHoc(homefleet, Commands.run(Duration.ofSeconds(120), cmd, ansibleEnv(work)));
  }

  /** ansible-playbook's environment: its config, temp dirs and HOME under {@code work}, no colours, no retry files. */
  /**
   * Gives others execute on {@code dir} and every directory above it that lacks it, so a become
   * user can reach the trees a test made under its own temporary directories. Only where missing:
   * a chmod of /tmp itself would drop its sticky bit (Java's permission set has no such bit).
   */
  static void openToOthers(Path dir) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
        Files.setPosixFilePermissions(p, perms);
      }
    }
  }

  static Map<String, String> ansibleEnv(Path work) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ANSIBLE_CONFIG", work.resolve("ansible.cfg").toString());
    env.put("ANSIBLE_NOCOLOR", "1");
    env.put("ANSIBLE_LOCAL_TEMP", work.resolve("ansible-tmp").toString());
    env.put("ANSIBLE_REMOTE_TEMP", work.resolve("ansible-tmp").toString());
    env.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
    env.put("HOME", work.resolve("ansible-home").toString());
    return env;
  }

  /** {@code host}'s PLAY RECAP fields in a run's output; empty when it has no recap line. */
  static Map<String, Integer> recap(String out, String host) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+: (.*)$").matcher(out);
    Map<String, Integer> fields = new TreeMap<>();
    if (line.find()) {
      Matcher f = RECAP_FIELD.matcher(line.group(1));
      while (f.find()) {
        fields.put(f.group(1), Integer.parseInt(f.group(2)));
      }
    }
    return fields;
  }

  /** Every entry of the tree by its relative path: type, mode, owner and content (or its SHA-256 if large). */
  static Map<String, String> state(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String head = PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":"
            + a.group().getName();
        String rel = "/" + root.relativize(p);
        if (a.isSymbolicLink()) {
          out.put(rel, "link " + head + " -> " + Files.readSymbolicLink(p));
        } else if (a.isDirectory()) {
          out.put(rel, "dir " + head);
        } else {
          out.put(rel, "file " + head + " " + content(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  private static String content(byte[] bytes) {
    if (bytes.length <= SHOWN_UP_TO) {
      try {
        return "\"" + StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString()
            .replace("\n", "\\n") + "\"";
      } catch (CharacterCodingException e) {
        // Not text: the digest below says whether the two are the same.
      }
    }
    try {
      return "sha256 " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends {@code lines} to the [defaults] of the ansible.cfg ansible-playbook reads (become and async tests). */
  void ansibleConfig(String lines) throws IOException {
    Files.writeString(work.resolve("ansible.cfg"), lines, java.nio.file.StandardOpenOption.APPEND);
  }
}
