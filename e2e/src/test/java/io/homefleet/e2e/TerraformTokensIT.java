package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * terraform/mint-tokens against a real controller: the file it writes is what Terraform reads
 * (enroll_tokens per VM name, ca_fingerprint), its tokens are the controller's, bound to the VM
 * names and roles, and an agent enrolls with one of them, as a cloned VM would on first boot.
 */
class TerraformTokensIT {

  @Test
  void mintTokens_writesTheTfvarsFile_whoseTokensEnrollTheirHosts(@TempDir Path tmp) throws Exception {
    try (Fleet fleet = new Fleet(tmp)) {
      fleet.init();
      fleet.startController();
      Path out = tmp.resolve("enroll.auto.tfvars.json");
      String script = Fleet.ROOT.resolve("terraform/mint-tokens").toString();

      Fleet.Result r = fleet.asOperator(Duration.ofSeconds(90), List.of(script, "--ttl", "10m", "--out", out.toString(),
          "prod-1", "workstation-2"));

      assertThat(r.exitCode()).as(r.all()).isZero();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
      JsonNode vars = new ObjectMapper().readTree(out.toFile());
      assertThat(vars.get("enroll_tokens").size()).isEqualTo(2);
      String token = vars.get("enroll_tokens").get("workstation-2").asText();
      String fingerprint = vars.get("ca_fingerprint").asText();
      assertThat(token).startsWith("hf1.");
      assertThat(fingerprint).matches("sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}");

      // The token is bound to its VM name: the agent named so enrolls, with the role from the name.
      fleet.startAgent("workstation-2", fleet.agentConfig("workstation-2", token, fingerprint));
      fleet.awaitOnline(Duration.ofSeconds(60), "workstation-2");
      assertThat(fleet.cli("hosts").stdout()).containsPattern("workstation-2\\s+workstation\\s+online");

      // A name that is not ROLE-N is refused before anything is minted, and the file stays as it was.
      String before = Files.readString(out);
      Fleet.Result bad = fleet.asOperator(Duration.ofSeconds(30), List.of(script, "--out", out.toString(), "dev-1", "Prod"));
      assertThat(bad.exitCode()).isEqualTo(2);
      assertThat(bad.stderr()).contains("'Prod' is not a VM name as terraform/ makes them: ROLE-N, e.g. prod-1");
      assertThat(Files.readString(out)).isEqualTo(before);
    }
  }
}
