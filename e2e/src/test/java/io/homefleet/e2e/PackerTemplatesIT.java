package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks packer/ can have without a Proxmox server, with Debian's packer (1.6.6, installed by
 * .ci/run): every template formatted as 'packer fmt' writes it and parsing as HCL2
 * ('validate -syntax-only', one file at a time: 1.6.6 refuses the required_plugins block, which
 * is why plugins.pkr.hcl is apart), every variable used is declared, the templates terraform/
 * clones exist by name, and the scripts parse as sh.
 */
class PackerTemplatesIT {
  static final Path PACKER_DIR = Fleet.ROOT.resolve("packer");

  @TempDir
  Path out;

  /** {@code cmd} with every path absolute (the command runs in the JVM's directory); its output into {@link #out}. */
  private Fleet.Result run(String... cmd) throws Exception {
    return Fleet.runCommand(out, Duration.ofSeconds(60), List.of(cmd));
  }

  private static List<Path> templates() throws Exception {
    try (Stream<Path> s = Files.list(PACKER_DIR)) {
      return s.filter(p -> p.toString().endsWith(".pkr.hcl")).sorted().toList();
    }
  }

  @Test
  void templates_areFormatted_andParse() throws Exception {
    Fleet.Result fmt = run("packer", "fmt", "-check", "-diff", PACKER_DIR.toString());
    assertThat(fmt.exitCode()).as("packer fmt -check: run 'packer fmt packer/'%n%s", fmt.all()).isZero();
    List<Path> files = templates();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("plugins.pkr.hcl", "variables.pkr.hcl", "base.pkr.hcl", "roles.pkr.hcl");
    for (Path f : files) {
      if (f.getFileName().toString().equals("plugins.pkr.hcl")) {
        continue;
      }
      Fleet.Result v = run("packer", "validate", "-syntax-only", f.toString());
      assertThat(v.exitCode()).as("packer validate -syntax-only %s%n%s", f, v.all()).isZero();
    }
  }

  @Test
  void everyVariableUsed_isDeclared_andEveryDeclaredOneUsed() throws Exception {
    Set<String> declared = new TreeSet<>();
    Set<String> used = new TreeSet<>();
    for (Path f : templates()) {
      String text = Files.readString(f);
      Matcher d = Pattern.compile("(?m)^variable \"([a-z0-9_]+)\"").matcher(text);
      while (d.find()) {
        declared.add(d.group(1));
      }
      Matcher u = Pattern.compile("\\bvar\\.([a-z0-9_]+)").matcher(text.replaceAll("(?m)^\\s*#.*$", ""));
      while (u.find()) {
        used.add(u.group(1));
      }
    }
    assertThat(used).as("variables used but not declared in variables.pkr.hcl").isSubsetOf(declared);
    assertThat(declared).as("variables declared but never used").isSubsetOf(used);
    assertThat(declared).contains("proxmox_url", "proxmox_node", "proxmox_token", "storage_pool", "debian_iso_file");
  }

  /**
   * A build block's {@code source "TYPE.NAME" {}} may only add fields: Packer refuses one that
   * the top-level source already sets, at build time, which 'validate -syntax-only' cannot see.
   * Read by indentation, which the fmt check above holds to 'packer fmt''s.
   */
  @Test
  void buildLevelSources_setNoFieldTheirSourceSets() throws Exception {
    String all = readAll();
    java.util.Map<String, Set<String>> sources = new java.util.HashMap<>();
    Matcher top = Pattern.compile("(?ms)^source \"([a-z-]+)\" \"([a-z0-9_-]+)\" \\{\n(.*?)^\\}").matcher(all);
    while (top.find()) {
      sources.put(top.group(1) + "." + top.group(2), fieldNames(top.group(3), "  "));
    }
    assertThat(sources).containsKeys("proxmox-iso.base", "proxmox-clone.role");
    Matcher use = Pattern.compile("(?ms)^  source \"([a-z-]+\\.[a-z0-9_-]+)\" \\{\n(.*?)^  \\}").matcher(all);
    int overrides = 0;
    while (use.find()) {
      overrides++;
      assertThat(sources).as("a build uses source %s, which no file defines", use.group(1)).containsKey(use.group(1));
      Set<String> both = new TreeSet<>(fieldNames(use.group(2), "    "));
      both.retainAll(sources.get(use.group(1)));
      assertThat(both).as("fields set both in source %s and in a build's use of it", use.group(1)).isEmpty();
    }
    assertThat(overrides).isEqualTo(8);
  }

  /** The names of the attributes and blocks at {@code indent} in a block's body. */
  private static Set<String> fieldNames(String body, String indent) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^" + indent + "([a-z_]+)(?:\\s*=| \\{)").matcher(body);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String readAll() throws Exception {
    StringBuilder b = new StringBuilder();
    for (Path p : templates()) {
      b.append(Files.readString(p)).append('\n');
    }
    return b.toString();
  }

  @Test
  void theTemplatesTerraformClones_areMadeByName() throws Exception {
    String all = readAll();
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("template_name\\s*=\\s*\"([^\"]+)\"").matcher(all);
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names).containsExactlyInAnyOrder("homefleet-debian12-base", "homefleet-ubuntu2404-base",
        "homefleet-prod", "homefleet-dev", "homefleet-services", "homefleet-batch", "homefleet-workstation",
        "homefleet-sandbox");
    // Every role runs the one provisioning script, and it ends with the bake step.
    assertThat(all).contains("sudo sh /tmp/provision.sh ${source.name} /tmp/homefleet-agent.deb");
    assertThat(Files.readString(PACKER_DIR.resolve("scripts/provision.sh")))
        .contains("\"$here/bake-clean.sh\" --this-machine /");
  }

  @Test
  void scripts_parseAsSh() throws Exception {
    for (String s : List.of("scripts/bake-clean.sh", "scripts/provision.sh")) {
      Fleet.Result r = run("sh", "-n", PACKER_DIR.resolve(s).toString());
      assertThat(r.exitCode()).as("sh -n %s%n%s", s, r.all()).isZero();
    }
    String provision = PACKER_DIR.resolve("scripts/provision.sh").toString();
    Fleet.Result usage = run("sh", provision);
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.stderr()).contains("usage: provision.sh ROLE DEB");
    Fleet.Result role = run("sh", provision, "kiosk", "x.deb");
    assertThat(role.exitCode()).isEqualTo(2);
    assertThat(role.stderr()).contains("unknown role 'kiosk'");
  }
}
