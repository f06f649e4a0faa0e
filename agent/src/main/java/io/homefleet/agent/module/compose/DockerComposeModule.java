package io.homefleet.agent.module.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Commands;
import io.homefleet.agent.exec.Diff;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.AtomicFiles;
import io.homefleet.playbook.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * homefleet's {@code docker_compose}: a compose project deployed into a project directory on the
 * host and brought up with whichever compose tool the host has ({@code docker compose} v2,
 * {@code docker-compose} v1 or {@code podman-compose}). The project's files (the compose file from
 * {@code definition}, {@code src} or {@code template}, plus {@code files} from the bundle) are
 * hashed; the hash of the last successful deploy is kept in {@link #STAMP} in the project
 * directory. An unchanged hash is in sync and runs nothing at all; a changed one writes the files,
 * brings the project up, and only then records the new hash, so a failed {@code up} is retried on
 * the next run.
 */
public final class DockerComposeModule implements StateModule {
  /** The file in the project directory that records the deployed hash and the files written. */
  static final String STAMP = ".homefleet-compose";
  static final String COMPOSE_FILE = "compose.yaml";
  /** Compose's own rule for project names (docker compose refuses anything else). */
  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  /** Jackson only when a definition is written: building the modules at agent start loads no JSON codec. */
  private static final class Yaml {
    static final YAMLMapper MAPPER = YAMLMapper.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .build();
  }

  /** The compose tools this module drives, by the name {@code tool} takes. */
  enum Tool {
    DOCKER_COMPOSE_V2("docker compose", List.of("docker", "compose")),
    DOCKER_COMPOSE_V1("docker-compose", List.of("docker-compose")),
    PODMAN_COMPOSE("podman-compose", List.of("podman-compose"));

    final String label;
    final List<String> argv;

    Tool(String label, List<String> argv) {
      this.label = label;
      this.argv = argv;
    }

    static Optional<Tool> named(String label) {
      return Arrays.stream(values()).filter(t -> t.label.equals(label)).findFirst();
    }
  }

  @Override
  public String name() {
    return "docker_compose";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException, InterruptedException {
    Args a = Args.of(name(), raw);
    String project = a.required("project_name");
    if (!PROJECT_NAME.matcher(project).matches()) {
      throw a.error("project_name=" + project + " is not a compose project name: use lower-case letters, digits,"
          + " '-' and '_', starting with a letter or digit");
    }
    Path dir = Path.of(a.str("project_src", "/srv/compose/" + project));
    if (!dir.isAbsolute()) {
      throw a.error("project_src=" + dir + " must be an absolute path on the host");
    }
    String state = a.choice("state", "present", "present", "absent", "restarted");
    String pull = a.choice("pull", "missing", "always", "missing", "never");
    String toolArg = a.choice("tool", "auto", "auto", "docker compose", "docker-compose", "podman-compose");
    boolean removeVolumes = a.bool("remove_volumes", false);
    Stamp deployed = Stamp.read(a, dir);

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("project_name", project);
    data.put("project_src", dir.toString());
    data.put("state", state);
    if (state.equals("absent")) {
      // Gone once this module's files are: data the services left in the directory stays, and is no drift.
      if (!Files.exists(dir.resolve(COMPOSE_FILE)) && !Files.exists(dir.resolve(STAMP))) {
        return Plan.inSync(data);
      }
      Diff diff = Diff.attrs(project, Map.of("project", project, "state", "present"),
          Map.of("project", project, "state", "absent"));
      return new Plan.Drift(diff, data, () -> down(a, ctx, toolArg, project, dir, deployed, removeVolumes));
    }

    Map<String, byte[]> files = desiredFiles(a, ctx);
    String hash = hash(files);
    data.put("hash", hash);
    data.put("files", new ArrayList<>(files.keySet()));
    List<Diff> diffs = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      String before = Files.isRegularFile(p) ? read(a, p) : "";
      String after = new String(f.getValue(), StandardCharsets.UTF_8);
      if (!before.equals(after)) {
        diffs.add(Diff.text(p.toString(), before, after));
      }
    }
    boolean changed = !hash.equals(deployed.hash());
    if (changed) {
      diffs.add(Diff.attrs(project, Map.of("project", project, "hash", deployed.hash()),
          Map.of("project", project, "hash", hash)));
    }
    if (!changed && diffs.isEmpty() && !state.equals("restarted")) {
      return Plan.inSync(data);
    }
    if (diffs.isEmpty()) {
      diffs.add(Diff.attrs(project, Map.of("project", project, "state", "running"),
          Map.of("project", project, "state", "restarted")));
    }
    return new Plan.Drift(diffs, data, () -> {
      // The tool first: with none on the host nothing is written.
      Found tool = tool(a, ctx, toolArg);
      write(a, dir, files, deployed);
      List<String> ran = new ArrayList<>();
      Path composeFile = dir.resolve(COMPOSE_FILE);
      if (changed) {
        if (pull.equals("always") && tool.tool() != Tool.DOCKER_COMPOSE_V2) {
          ran.add(compose(a, ctx, tool, project, composeFile, List.of("pull")));
        }
        List<String> up = new ArrayList<>(List.of("up", "-d"));
        switch (tool.tool()) {
          case DOCKER_COMPOSE_V2 -> up.addAll(List.of("--remove-orphans", "--pull", pull));
          case DOCKER_COMPOSE_V1 -> up.add("--remove-orphans");
          // podman-compose 1.0 labels every container with the same config hash and so cannot
          // tell a changed service: recreate them all (the content hash said something changed).
          case PODMAN_COMPOSE -> up.add("--force-recreate");
          default -> throw new IllegalStateException(tool.tool().name());
        }
        ran.add(compose(a, ctx, tool, project, composeFile, up));
      }
      if (state.equals("restarted")) {
        ran.add(compose(a, ctx, tool, project, composeFile, List.of("restart")));
      }
      // Last: a failed up leaves the old hash, so the next run tries again.
      Stamp.write(a, dir, hash, files.keySet());
      return Map.of("tool", tool.tool().label, "commands", ran);
    });
  }

  /** The project's files by name: the compose file first, then {@code files} by their base names. */
  private static Map<String, byte[]> desiredFiles(Args a, TaskContext ctx) throws TaskException {
    List<String> sources = new ArrayList<>();
    for (String k : List.of("definition", "src", "template")) {
      if (a.has(k)) {
        sources.add(k);
      }
    }
    if (sources.size() != 1) {
      throw a.error(sources.isEmpty()
          ? "one of definition (the compose file inline), src (a file in the bundle) or template (a template in the"
              + " bundle) is needed for state=present or restarted"
          : String.join(", ", sources) + " are mutually exclusive: give the compose file one way");
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    String text;
    switch (sources.get(0)) {
      case "definition" -> {
        Map<String, Object> def = a.dict("definition");
        if (!(def.get("services") instanceof Map<?, ?> services) || services.isEmpty()) {
          throw a.error("definition has no services: it is the compose file itself ({services: {NAME: {image: ...}}})");
        }
        try {
          text = Yaml.MAPPER.writeValueAsString(def);
        } catch (JsonProcessingException e) {
          throw a.error("definition cannot be written as YAML: " + e.getOriginalMessage());
        }
      }
      case "src" -> text = read(a, ctx.bundleFile("docker_compose", a.required("src"), "files"));
      default -> {
        String src = a.required("template");
        String source = read(a, ctx.bundleFile("docker_compose", src, "templates"));
        try {
          text = ctx.templar().render(source, ctx.vars());
        } catch (TemplateException e) {
          throw a.error("template " + src + ": " + e.getMessage());
        }
        if (source.endsWith("\n") && !text.endsWith("\n")) {
          text += "\n";
        }
      }
    }
    files.put(COMPOSE_FILE, text.getBytes(StandardCharsets.UTF_8));
    for (String f : a.list("files")) {
      String base = Path.of(f).getFileName().toString();
      if (base.equals(COMPOSE_FILE) || base.equals(STAMP) || files.containsKey(base)) {
        throw a.error("files: " + f + " would overwrite " + base + " in the project directory; rename it");
      }
      try {
        files.put(base, Files.readAllBytes(ctx.bundleFile("docker_compose", f, "files")));
      } catch (IOException e) {
        throw a.error("files: cannot read " + f + ": " + e.getMessage());
      }
    }
    return files;
  }

  /** SHA-256 over the names and contents, in name order, so the order of {@code files} does not count. */
  static String hash(Map<String, byte[]> files) {
    var md = AtomicFiles.messageDigest("SHA-256");
    for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
      md.update(f.getKey().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(Long.toString(f.getValue().length).getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(f.getValue());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  private static void write(Args a, Path dir, Map<String, byte[]> files, Stamp deployed) throws TaskException {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        AtomicFiles.write(dir.resolve(f.getKey()), f.getValue());
      }
      // Files an earlier deploy wrote and this one no longer has.
      for (String old : deployed.files()) {
        if (!files.containsKey(old)) {
          Files.deleteIfExists(dir.resolve(old));
        }
      }
    } catch (IOException e) {
      throw a.error("cannot write the project into " + dir + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> down(Args a, TaskContext ctx, String toolArg, String project, Path dir,
      Stamp deployed, boolean removeVolumes) throws TaskException, InterruptedException {
    List<String> ran = new ArrayList<>();
    Path composeFile = dir.resolve(COMPOSE_FILE);
    String label = "";
    if (Files.isRegularFile(composeFile)) {
      Found tool = tool(a, ctx, toolArg);
      label = tool.tool().label;
      ran.add(compose(a, ctx, tool, project, composeFile, removeVolumes ? List.of("down", "-v") : List.of("down")));
    }
    // Only what this module wrote: data the services keep under the project directory stays.
    try {
      Files.deleteIfExists(composeFile);
      for (String f : deployed.files()) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.deleteIfExists(dir.resolve(STAMP));
      try (var left = Files.list(dir)) {
        if (left.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    } catch (IOException e) {
      throw a.error("the project is down, but its files in " + dir + " could not be removed: " + e.getMessage());
    }
    return Map.of("tool", label, "commands", ran);
  }

  private static String compose(Args a, TaskContext ctx, Found tool, String project, Path composeFile,
      List<String> verb) throws TaskException, InterruptedException {
    List<String> argv = new ArrayList<>(tool.argv());
    argv.addAll(List.of("-p", project, "-f", composeFile.toString()));
    argv.addAll(verb);
    Commands.Result r = Commands.run(ctx, argv);
    if (!r.ok()) {
      throw a.error(String.join(" ", verb.subList(0, 1)) + " of project " + project + " failed: " + r.describe());
    }
    return String.join(" ", argv);
  }

  /** A compose tool found on the host: which, and the command line that runs it (absolute path first). */
  record Found(Tool tool, List<String> argv) {
    Found {
      argv = List.copyOf(argv);
    }

    static Found at(Tool tool, Path executable) {
      List<String> argv = new ArrayList<>(tool.argv);
      argv.set(0, executable.toString());
      return new Found(tool, argv);
    }
  }

  /**
   * The tool asked for, or the first the host has: docker compose v2, docker-compose, podman-compose.
   * Looked up in the task's PATH (a JVM looks programs up in its own, not the child's).
   */
  private static Found tool(Args a, TaskContext ctx, String toolArg) throws TaskException, InterruptedException {
    if (!toolArg.equals("auto")) {
      Tool t = Tool.named(toolArg).orElseThrow();
      Path exe = Commands.onPath(ctx, t.argv.get(0)).orElseThrow(() -> a.error("tool=" + toolArg + ": " + t.argv.get(0)
          + " is not on the PATH; install it (the docker role does) or choose another tool"));
      return Found.at(t, exe);
    }
    Optional<Path> docker = Commands.onPath(ctx, "docker");
    if (docker.isPresent() && Commands.run(ctx, List.of(docker.get().toString(), "compose", "version")).ok()) {
      return Found.at(Tool.DOCKER_COMPOSE_V2, docker.get());
    }
    for (Tool t : List.of(Tool.DOCKER_COMPOSE_V1, Tool.PODMAN_COMPOSE)) {
      Optional<Path> exe = Commands.onPath(ctx, t.argv.get(0));
      if (exe.isPresent()) {
        return Found.at(t, exe.get());
      }
    }
    throw a.error("no compose tool on this host: none of 'docker compose' (docker-compose-plugin), docker-compose or"
        + " podman-compose works; install one (the docker role does) or set tool");
  }

  private static String read(Args a, Path p) throws TaskException {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw a.error("cannot read " + p + ": " + e.getMessage());
    }
  }

  /** What the last successful deploy recorded: its hash and the files it wrote. */
  record Stamp(String hash, List<String> files) {
    Stamp {
      files = List.copyOf(files);
    }

    static Stamp read(Args a, Path dir) throws TaskException {
      Path p = dir.resolve(STAMP);
      if (!Files.isRegularFile(p)) {
        return new Stamp("", List.of());
      }
      List<String> lines = Arrays.asList(DockerComposeModule.read(a, p).split("\n"));
      String hash = "";
      List<String> files = new ArrayList<>();
      for (String l : lines) {
        if (l.startsWith("sha256 ")) {
          hash = l.substring(7).strip();
        } else if (l.startsWith("file ")) {
          files.add(l.substring(5));
        }
      }
      return new Stamp(hash, files);
    }

    static void write(Args a, Path dir, String hash, Iterable<String> files) throws TaskException {
      StringBuilder s = new StringBuilder("# written by homefleet's docker_compose: the last project deployed\n")
          .append("sha256 ").append(hash).append('\n');
      files.forEach(f -> s.append("file ").append(f).append('\n'));
      try {
        AtomicFiles.write(dir.resolve(STAMP), s.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw a.error("the project is up, but " + dir.resolve(STAMP) + " could not be written: " + e.getMessage());
      }
    }
  }
}
