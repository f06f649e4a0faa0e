package io.homefleet.agent.module.wipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.agent.module.file.PosixAttrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The manifest of a clean image, recorded at bake time ({@code homefleet-agent baseline record}):
 * the installed packages with their versions (dpkg's status database), the enabled units (the
 * symlinks in {@code /etc/systemd/system/*.wants} and {@code *.requires}, since no systemd runs at
 * bake time), the users and groups ({@code /etc/passwd}, {@code /etc/group}) and every path of the
 * recorded trees (type, mode, owner, content digest, link target). File contents go into
 * {@code objects/SHA256.gz} beside the manifest, each distinct content once, so the wipe can put
 * back what changed.
 *
 * <p>Every path is absolute as the image sees it ({@code /etc/passwd}); {@code root} lets a test
 * (or a bake of a mounted image) record another tree than {@code /}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Baseline(int version, String recordedAt, List<String> trees, SortedMap<String, String> packages,
    SortedSet<String> services, SortedMap<String, Integer> users, SortedMap<String, Integer> groups,
    SortedMap<String, Entry> files) {

  static final int VERSION = 1;
  /** The manifest's name in its directory; the contents are in {@code objects/} next to it. */
  public static final String MANIFEST = "manifest.json";
  /** The trees recorded when none are named. */
  public static final List<String> DEFAULT_TREES = List.of("/etc");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Baseline {
    // A manifest missing a section reads as empty there; read() refuses one without trees or files.
    trees = trees == null ? null : List.copyOf(trees);
    packages = packages == null ? new TreeMap<>() : new TreeMap<>(packages);
    services = services == null ? new TreeSet<>() : new TreeSet<>(services);
    users = users == null ? new TreeMap<>() : new TreeMap<>(users);
    groups = groups == null ? new TreeMap<>() : new TreeMap<>(groups);
    files = files == null ? null : new TreeMap<>(files);
  }

  /**
   * One path of a recorded tree. {@code type} is file, dir, link or other (a device or fifo, whose
   * attributes alone are kept); {@code sha256} is a file's content, {@code target} a link's.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(String type, int mode, int uid, int gid, String sha256, String target) {
    /** What a person reads in a diff: {@code file 0644 0:0 sha256:ab12...}. */
    public String describe() {
      String owner = " " + uid + ":" + gid;
      return switch (type) {
        case "file" -> "file " + String.format("%04o", mode) + owner + " sha256:" + sha256.substring(0, 12);
        case "link" -> "link -> " + target;
        default -> type + " " + String.format("%04o", mode) + owner;
      };
    }
  }

  /** The manifest's file inside a baseline directory. */
  public static Path manifest(Path dir) {
    return dir.resolve(MANIFEST);
  }

  /**
   * Records the host under {@code root}: packages, units, accounts and {@code trees}, the contents
   * into {@code objectsDir}. Trees must be absolute and exist.
   */
  public static Baseline record(Path root, List<String> trees, Path objectsDir, Instant now) throws IOException {
    SortedMap<String, Entry> files = new TreeMap<>();
    for (String tree : trees) {
      if (!tree.startsWith("/")) {
        throw new IllegalArgumentException("--tree " + tree + ": give an absolute path, e.g. --tree /etc");
      }
      Path dir = resolve(root, tree);
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(dir.toString(), null, "--tree " + tree + " is not a directory on this host");
      }
      files.putAll(scan(root, dir, objectsDir));
    }
    return new Baseline(VERSION, now.toString(), trees, packages(root), services(root), accounts(root, "etc/passwd"),
        accounts(root, "etc/group"), files);
  }

  /** {@code /etc/x} under {@code root}. */
  static Path resolve(Path root, String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  /** The path as the image sees it. */
  static String absolute(Path root, Path p) {
    return "/" + root.relativize(p).toString();
  }

  /** Every path of {@code dir} (itself included), storing file contents into {@code objectsDir} when given. */
  static SortedMap<String, Entry> scan(Path root, Path dir, Path objectsDir) throws IOException {
    SortedMap<String, Entry> out = new TreeMap<>();
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        out.put(absolute(root, d), entry(d, objectsDir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        String abs = absolute(root, f);
        if (objectsDir != null && abs.indexOf('\uFFFD') >= 0) {
          // Recorded so, the name could never be matched or restored again.
          throw new IOException(abs + ": a file name this JVM cannot decode" + WipeModule.encodingHint());
        }
        out.put(abs, entry(f, objectsDir));
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  /** One path's entry, its content stored into {@code objectsDir} (null: only digested). */
  static Entry entry(Path p, Path objectsDir) throws IOException {
    PosixAttrs a = PosixAttrs.read(p, false);
    if (a.isLink()) {
      return new Entry("link", 0, a.uid(), a.gid(), null, Files.readSymbolicLink(p).toString());
    }
    if (a.isDir()) {
      return new Entry("dir", a.mode(), a.uid(), a.gid(), null, null);
    }
    if (!a.isRegular()) {
      return new Entry("other", a.mode(), a.uid(), a.gid(), null, null);
    }
    String sha = AtomicFiles.digest(p, "sha256");
    if (objectsDir != null) {
      store(p, objectsDir, sha);
    }
    return new Entry("file", a.mode(), a.uid(), a.gid(), sha, null);
  }

  private static void store(Path file, Path objectsDir, String sha) throws IOException {
    Path blob = objectsDir.resolve(sha + ".gz");
    if (Files.exists(blob)) {
      return;
    }
    // Private like the rest of the state dir: the copies include /etc/shadow.
    io.homefleet.pki.SecureFiles.createPrivateDirectories(objectsDir);
    Path tmp = objectsDir.resolve(sha + ".gz.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        io.homefleet.pki.SecureFiles.OWNER_ONLY));
    try (InputStream in = Files.newInputStream(file); OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp))) {
      in.transferTo(out);
    }
    Files.move(tmp, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A recorded content, from {@code objects/}. */
  static byte[] content(Path objectsDir, String sha) throws IOException {
    Path blob = objectsDir.resolve(sha + ".gz");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob))) {
      byte[] b = in.readAllBytes();
      if (!AtomicFiles.digest(b, "sha256").equals(sha)) {
        throw new IOException(blob + " is damaged (its content's sha256 is not " + sha + "); record the baseline again");
      }
      return b;
    } catch (NoSuchFileException e) {
      throw new IOException(blob + " is missing from the baseline; record it again (homefleet-agent baseline record)");
    }
  }

  /**
   * Installed packages and their versions from dpkg's status database (what {@code dpkg-query -W}
   * reads): stanzas whose Status ends in {@code installed}. A package installed for two
   * architectures is named {@code NAME:ARCH} both times.
   */
  static SortedMap<String, String> packages(Path root) throws IOException {
    Path status = resolve(root, "/var/lib/dpkg/status");
    SortedMap<String, String> out = new TreeMap<>();
    if (!Files.isRegularFile(status)) {
      return out;
    }
    List<String[]> installed = new ArrayList<>();
    for (String stanza : Files.readString(status, StandardCharsets.UTF_8).split("\n\\s*\n")) {
      String name = null;
      String arch = "";
      String version = "";
      boolean isInstalled = false;
      for (String line : stanza.split("\n")) {
        if (line.startsWith("Package: ")) {
          name = line.substring(9).strip();
        } else if (line.startsWith("Architecture: ")) {
          arch = line.substring(14).strip();
        } else if (line.startsWith("Version: ")) {
          version = line.substring(9).strip();
        } else if (line.startsWith("Status: ")) {
          isInstalled = line.strip().endsWith(" installed");
        }
      }
      if (name != null && isInstalled) {
        installed.add(new String[] {name, arch, version});
      }
    }
    Map<String, Long> counts = new TreeMap<>();
    installed.forEach(p -> counts.merge(p[0], 1L, Long::sum));
    for (String[] p : installed) {
      out.put(counts.get(p[0]) > 1 ? p[0] + ":" + p[1] : p[0], p[2]);
    }
    return out;
  }

  /**
   * The enabled units: every {@code X.wants/UNIT} and {@code X.requires/UNIT} under
   * /etc/systemd/system, named so ({@code multi-user.target.wants/ssh.service}).
   */
  static SortedSet<String> services(Path root) throws IOException {
    SortedSet<String> out = new TreeSet<>();
    Path dir = resolve(root, "/etc/systemd/system");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var dirs = Files.list(dir)) {
      for (Path d : dirs.sorted().toList()) {
        String n = d.getFileName().toString();
        if ((n.endsWith(".wants") || n.endsWith(".requires")) && Files.isDirectory(d)) {
          try (var units = Files.list(d)) {
            units.forEach(u -> out.add(n + "/" + u.getFileName()));
          }
        }
      }
    }
    return out;
  }

  /** Names and ids from a passwd- or group-format file. */
  static SortedMap<String, Integer> accounts(Path root, String file) throws IOException {
    SortedMap<String, Integer> out = new TreeMap<>();
    Path f = root.resolve(file);
    if (!Files.isRegularFile(f)) {
      return out;
    }
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      String[] parts = line.split(":", -1);
      if (parts.length >= 3 && !parts[0].isBlank() && !line.startsWith("#") && parts[2].matches("\\d+")) {
        out.put(parts[0], Integer.parseInt(parts[2]));
      }
    }
    return out;
  }

  /** Writes the manifest atomically (0600: it lists the image's accounts and files). */
  public void write(Path manifest) throws IOException {
    io.homefleet.pki.SecureFiles.createPrivateDirectories(manifest.toAbsolutePath().getParent());
    io.homefleet.pki.SecureFiles.writePrivate(manifest, JSON.writeValueAsBytes(this));
  }

  /** Reads a manifest; a missing or damaged one is an error naming the file and the fix. */
  public static Baseline read(Path manifest) throws IOException {
    if (!Files.isRegularFile(manifest)) {
      throw new NoSuchFileException(manifest.toString(), null, "no baseline: record one at bake time with"
          + " 'homefleet-agent baseline record' (packer/scripts/provision.sh does)");
    }
    Baseline b;
    try {
      b = JSON.readValue(manifest.toFile(), Baseline.class);
    } catch (IOException e) {
      throw new IOException(manifest + " is not a baseline manifest (" + e.getMessage().lines().findFirst().orElse("")
          + "); record it again with 'homefleet-agent baseline record'", e);
    }
    if (b.version() != VERSION || b.files() == null || b.trees() == null) {
      throw new IOException(manifest + ": baseline version " + b.version() + " is not " + VERSION
          + " (or the file is incomplete); record it again with this agent's 'homefleet-agent baseline record'");
    }
    return b;
  }
}
