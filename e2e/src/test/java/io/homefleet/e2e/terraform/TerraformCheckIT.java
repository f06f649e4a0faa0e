package io.homefleet.e2e.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.homefleet.e2e.netns.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * terraform/ as Terraform itself would first read it, without Terraform (not in Debian, and no
 * downloads from HashiCorp here): a strict HCL2 parse of every file by hashicorp/hcl (npm's
 * {@code @cdktf/hcl2json}), then every reference checked against what the files declare, the part
 * of {@code terraform validate} that needs no provider schema.
 */
class TerraformCheckIT {
  private static final Set<String> BUILT_IN_ROOTS = Set.of("each", "count", "self", "path", "terraform");

  @Test
  void everyFile_parsesWithHashicorpHcl() {
    // read() fails the test with hcl's errors when a file does not parse.
    TerraformFiles files = TerraformFiles.repository();

    assertThat(files.names()).contains("versions.tf", "variables.tf", "sizing.tf", "network.tf", "vms.tf", "checks.tf");
    // Every interpolated string has a syntax tree: the evaluator and the reference check see them all.
    assertThat(files.expressions()).allSatisfy((text, tree) -> assertThat(tree.has("error")).as(text).isFalse());
  }

  @Test
  void aSyntaxError_isReportedWithItsFileAndLine(@TempDir Path dir) throws IOException {
    try (Stream<Path> tf = Files.list(TerraformFiles.TERRAFORM)) {
      for (Path f : tf.filter(p -> p.toString().endsWith(".tf")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path sizing = dir.resolve("sizing.tf");
    List<String> lines = new ArrayList<>(Files.readAllLines(sizing));
    lines.add("locals {");
    lines.add("  broken = min(1,");
    lines.add("}");
    Files.write(sizing, lines);

    CommandResult r = TerraformFiles.run(dir);

    assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
    // hcl reports where the expression ends unfinished: the closing brace, the file's last line.
    assertThat(r.stderr()).contains("sizing.tf:" + lines.size() + ",").contains("Invalid expression");
  }

  @Test
  void everyReference_namesSomethingTheFilesDeclare() {
    TerraformFiles files = TerraformFiles.repository();
    Set<String> variables = files.variables().keySet();
    Set<String> locals = files.locals().keySet();
    Set<String> data = files.blocks("data").keySet();
    Set<String> resources = files.blocks("resource").keySet();
    List<String> unknown = new ArrayList<>();
    List<String> used = new ArrayList<>();

    files.strings().forEach((where, text) -> {
      // ignore_changes names the resource's own attributes, and a variable's type is a type, not a value.
      if (!text.contains("${") || where.contains("/ignore_changes") || where.matches(".*:variable/[^/]+\\[0\\]/type")) {
        return;
      }
      walk(files.tree(text), new HashSet<>(), ref -> {
        String[] p = ref.split("\\.");
        used.add(ref);
        boolean known = switch (p[0]) {
          case "var" -> variables.contains(p[1]);
          case "local" -> locals.contains(p[1]);
          case "data" -> data.contains(p[1] + "." + p[2]);
          default -> BUILT_IN_ROOTS.contains(p[0]) || resources.contains(p[0] + "." + p[1]);
        };
        if (!known) {
          unknown.add(where + ": " + ref);
        }
      });
    });

    assertThat(unknown).isEmpty();
    // The walk sees the references (an empty walk would pass too).
    assertThat(used).contains("var.node_name", "local.memory_mib", "data.proxmox_virtual_environment_nodes.all.names",
        "proxmox_virtual_environment_file.user_data");
  }

  /** Calls {@code ref} with every traversal's dotted name parts (roots only: var.X, local.X, TYPE.NAME, data.TYPE.NAME). */
  private static void walk(JsonNode node, Set<String> forVariables, Consumer<String> ref) {
    String type = node.path("type").asText();
    if ("scopeTraversal".equals(type)) {
      JsonNode t = node.path("meta").path("traversal");
      String first = t.get(0).path("segment").asText();
      if (!forVariables.contains(first)) {
        int parts = "data".equals(first) ? 4 : 2;
        StringBuilder name = new StringBuilder(first);
        for (int i = 1; i < Math.min(parts, t.size()); i++) {
          if ("nameTraversal".equals(t.get(i).path("type").asText())) {
            name.append('.').append(t.get(i).path("segment").asText());
          }
        }
        ref.accept(name.toString());
      }
      return;
    }
    List<JsonNode> children = new ArrayList<>();
    node.path("children").forEach(children::add);
    if ("for".equals(type)) {
      // The collection is outside the for's variables; key, value and condition are inside.
      walk(children.get(0), forVariables, ref);
      Set<String> inner = new HashSet<>(forVariables);
      JsonNode meta = node.path("meta");
      for (String v : List.of(meta.path("keyVar").asText(), meta.path("valVar").asText())) {
        if (!v.isEmpty()) {
          inner.add(v);
        }
      }
      children.subList(1, children.size()).forEach(c -> walk(c, inner, ref));
      return;
    }
    children.forEach(c -> walk(c, forVariables, ref));
  }
}
