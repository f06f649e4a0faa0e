package io.homefleet.e2e.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VM sizes terraform/ asks Proxmox for, for nodes of different size and load: the very
 * expressions of sizing.tf, checks.tf and the VM resource in vms.tf, evaluated by
 * {@link HclEvaluator} from hcl's own parse trees, with the data sources' attributes as the bpg
 * provider reports them (memory in bytes, CPU use as 0..1). The expected numbers are worked out
 * by hand in the comments, from the defaults in variables.tf; the test holds no formula of its own.
 */
class TerraformSizingIT {
  private static final long GIB = 1L << 30;
  private static final List<String> BASE_HOSTS = List.of("batch-1", "dev-1", "prod-1", "sandbox-1", "services-1");

  private static TerraformFiles files;

  @BeforeAll
  static void parse() {
    files = TerraformFiles.repository();
  }

  @Test
  void smallIdleNode_everyRoleGetsItsShare_withinTheFloors() {
    // 4 CPUs at 5 %: floor(4 * 0.95 * 2) = 7 vCPUs. 16384 MiB, 1536 used, max(1024, 12.5 % = 2048)
    // kept for the host: 12800 MiB for the five VMs (percents 20+20+8+30+12 = 90, under 100).
    Plan plan = plan(Map.of(), node("pve", 4, 16 * GIB, 3 * GIB / 2, "0.05"), templates(), List.of());

    // cores: floor(7 * p / 100) = 1.4, 1.4, 0.56, 2.1, 0.84, raised to the floor of 1.
    // memory: floor(12800 * p / 100 / 256) * 256 = 2560, 2560, 1024 (sandbox floor 2048), 3840, 1536.
    assertThat(plan.vms()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prod-1", new Size(1, 2560), "dev-1", new Size(1, 2560), "sandbox-1", new Size(1, 2048),
        "services-1", new Size(2, 3840), "batch-1", new Size(1, 1536)));
    // 12544 MiB of 12800: it fits, and nothing else stops the plan.
    assertThat(plan.failed()).isEmpty();
    assertThat(plan.local("memory_needed_mib")).isEqualTo(12544);
  }

  @Test
  void largeIdleNode_sharesGrow_untilTheCeilings() {
    // 32 CPUs at 2 %: floor(32 * 0.98 * 2) = 62 vCPUs. 262144 MiB, 4096 used, 32768 kept: 225280.
    Plan plan = plan(Map.of(), node("pve", 32, 256 * GIB, 4 * GIB, "0.02"), templates(), List.of());

    // cores: floor(62 * p / 100) = 12, 12, 4 (sandbox ceiling 4), 18, 7.
    // memory: 45056, 45056, 17920 -> sandbox ceiling 8192, 67584, 26880.
    assertThat(plan.vms()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prod-1", new Size(12, 45056), "dev-1", new Size(12, 45056), "sandbox-1", new Size(4, 8192),
        "services-1", new Size(18, 67584), "batch-1", new Size(7, 26880)));
    assertThat(plan.failed()).isEmpty();
  }

  @Test
  void largeBusyNode_sizesComeFromWhatIsFree_notFromTheCapacity() {
    // The same node with 200 GiB in use and its CPUs 75 % busy: 262144 - 204800 - 32768 = 24576 MiB
    // and floor(32 * 0.25 * 2) = 16 vCPUs.
    Plan plan = plan(Map.of(), node("pve", 32, 256 * GIB, 200 * GIB, "0.75"), templates(), List.of());

    // cores: 3.2, 3.2, 1.28, 4.8, 1.92. memory: 4915.2 -> 4864, 4864, 1966 -> floor 2048, 7372.8 ->
    // 7168, 2949.1 -> 2816; 21760 MiB in all, under 24576.
    assertThat(plan.vms()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prod-1", new Size(3, 4864), "dev-1", new Size(3, 4864), "sandbox-1", new Size(1, 2048),
        "services-1", new Size(4, 7168), "batch-1", new Size(1, 2816)));
    assertThat(plan.failed()).isEmpty();
  }

  @Test
  void smallBusyNode_whereTheFloorsDoNotFit_stopsThePlanWithTheNumbers() {
    // 12 GiB of 16 in use: 16384 - 12288 - 2048 = 2048 MiB free; every VM falls to its floor
    // (1024 x 4 + sandbox 2048 = 6144 MiB), and 1 vCPU each (max(1, floor(4 * 0.1 * 2)) = 1).
    Plan plan = plan(Map.of(), node("pve", 4, 16 * GIB, 12 * GIB, "0.9"), templates(), List.of());

    assertThat(plan.vms()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "prod-1", new Size(1, 1024), "dev-1", new Size(1, 1024), "sandbox-1", new Size(1, 2048),
        "services-1", new Size(1, 1024), "batch-1", new Size(1, 1024)));
    assertThat(plan.failed()).containsExactly("node pve has 2048 MiB free for new VMs (16384 MiB, 12288 in use, "
        + "2048 kept for the host) but 5 new VMs need 6144 MiB at their floors: lower counts, the floors in sizing, "
        + "or free memory on the node.");
  }

  @Test
  void existingVms_areNotSizedOrCountedAgain_onlyTheNewWorkstations() {
    // The five VMs run already (150 GiB in use, CPUs half busy) and two workstations are asked for:
    // only those are new, 20 % together. 262144 - 153600 - 32768 = 75776 MiB; 32 vCPUs.
    List<Map<String, Object>> running = new ArrayList<>();
    BASE_HOSTS.forEach(h -> running.add(vm(h, 100 + running.size())));
    Plan plan = plan(Map.of("counts", counts(2)), node("pve", 32, 256 * GIB, 150 * GIB, "0.5"), templates(), running,
        List.of("workstation-1", "workstation-2"));

    assertThat(plan.local("new_hosts")).isEqualTo(new TreeMap<>(Map.of("workstation-1", "workstation",
        "workstation-2", "workstation")));
    // workstation: floor(32 * 10 / 100) = 3 cores; floor(75776 * 10 / 100 / 256) * 256 = 7424 MiB.
    assertThat(plan.vms().get("workstation-1")).isEqualTo(new Size(3, 7424));
    assertThat(plan.local("memory_needed_mib")).isEqualTo(2 * 7424);
    // No token is needed for the VMs that exist: theirs were used when they were made.
    assertThat(plan.failed()).isEmpty();
  }

  @Test
  void moreThanAHundredPercentAskedFor_everyShareShrinksInProportion() {
    // Three workstations on top: 90 + 30 = 120 %, so each share is p / 120 of 225280 MiB.
    List<String> tokens = new ArrayList<>(BASE_HOSTS);
    tokens.addAll(List.of("workstation-1", "workstation-2", "workstation-3"));
    Plan plan = plan(Map.of("counts", counts(3)), node("pve", 32, 256 * GIB, 4 * GIB, "0.02"), templates(), List.of(),
        tokens);

    assertThat(plan.local("percent_total")).isEqualTo(120);
    // prod: floor(225280 * 20 / 120 / 256) = 146 -> 37376; services 56320; batch 22528;
    // workstation 18688 -> its ceiling 16384; 210944 MiB in all.
    assertThat(plan.vms()).containsEntry("prod-1", new Size(10, 37376)).containsEntry("services-1", new Size(15, 56320))
        .containsEntry("batch-1", new Size(6, 22528)).containsEntry("workstation-3", new Size(5, 16384));
    assertThat(plan.local("memory_needed_mib")).isEqualTo(210944);
    assertThat(plan.failed()).isEmpty();
  }

  @Test
  void theNodeIsChosenByName_fromTheDataSourcesParallelLists() {
    Map<String, Object> nodes = nodes(List.of(
        new Object[] {"pve-small", 4, 16 * GIB, 3 * GIB / 2, "0.05", true},
        new Object[] {"pve-large", 32, 256 * GIB, 4 * GIB, "0.02", true}));
    Plan large = plan(Map.of("node_name", "pve-large"), nodes, templates(), List.of());
    assertThat(large.vms().get("services-1")).isEqualTo(new Size(18, 67584));

    Plan unknown = plan(Map.of("node_name", "pve-9"), nodes, templates(), List.of());
    assertThat(unknown.failed()).contains("node_name: 'pve-9' is not a node of this cluster (nodes: pve-small, pve-large).");
  }

  @Test
  void aMissingTemplateOrToken_stopsThePlan_namingWhatToMake() {
    List<Map<String, Object>> templates = new ArrayList<>(templates());
    templates.removeIf(t -> t.get("name").equals("homefleet-batch"));
    Plan plan = plan(Map.of(), node("pve", 32, 256 * GIB, 4 * GIB, "0.02"), templates, List.of(),
        List.of("batch-1", "prod-1", "sandbox-1", "services-1"));

    assertThat(plan.failed()).containsExactlyInAnyOrder(
        "templates: node pve needs exactly one VM template named homefleet-batch; build it with packer/ "
            + "(packer/README.md) or set templates.",
        "enroll_tokens: no enrollment token for dev-1; mint them with terraform/mint-tokens (README.md) and plan again.");
  }

  @Test
  void userData_writesTheEnrollmentFile_withTheVmsOwnToken() throws Exception {
    Plan plan = plan(Map.of("ssh_authorized_keys", List.of("ssh-ed25519 AAAAC3Nza admin@lab"),
        "labels", Map.of("site", "home")), node("pve", 4, 16 * GIB, 3 * GIB / 2, "0.05"), templates(), List.of());

    // The snippet resource's own data, for the instance dev-1, as cloud-init would get it.
    JsonNode file = files.blocks("resource").get("proxmox_virtual_environment_file.user_data").value();
    String userData = (String) plan.evaluator().value(file.get("source_raw").get(0).get("data"),
        Map.of("each", Map.of("key", "dev-1", "value", "dev")));

    assertThat(userData).startsWith("#cloud-config\n");
    YAMLMapper yaml = new YAMLMapper();
    JsonNode cloudConfig = yaml.readTree(userData);
    assertThat(cloudConfig.get("hostname").asText()).isEqualTo("dev-1");
    assertThat(cloudConfig.get("users").get(1).get("ssh_authorized_keys").get(0).asText())
        .isEqualTo("ssh-ed25519 AAAAC3Nza admin@lab");
    JsonNode write = cloudConfig.get("write_files").get(0);
    assertThat(write.get("path").asText()).isEqualTo("/etc/homefleet/enroll.yaml");
    assertThat(write.get("permissions").asText()).isEqualTo("0600");
    assertThat(write.get("owner").asText()).isEqualTo("root:root");
    // What the agent reads on first boot: exactly these five fields.
    JsonNode enroll = yaml.readTree(write.get("content").asText());
    assertThat(enroll.get("controller").asText()).isEqualTo("controller.lab:7443");
    assertThat(enroll.get("token").asText()).isEqualTo("hf1.token-for-dev-1");
    assertThat(enroll.get("ca_fingerprint").asText()).isEqualTo("sha256:" + "AB:".repeat(31) + "AB");
    assertThat(enroll.get("role").asText()).isEqualTo("dev");
    assertThat(yaml.convertValue(enroll.get("labels"), Map.class)).isEqualTo(Map.of("site", "home", "environment", "dev"));
    assertThat(enroll.size()).isEqualTo(5);
  }

  // --- the plan of one scenario ----------------------------------------------------------------

  /** One VM's size as the VM resource asks Proxmox for it. */
  record Size(int cores, int memoryMib) {}

  /** What a plan would compute: each VM's size and the failed preconditions' messages. */
  record Plan(HclEvaluator evaluator, Map<String, Size> vms, List<String> failed) {
    Object local(String name) {
      Object v = evaluator.local(name);
      return v instanceof BigDecimal n ? n.intValueExact() : v;
    }
  }

  private static Plan plan(Map<String, Object> vars, Map<String, Object> nodes, List<Map<String, Object>> templates,
      List<Map<String, Object>> running) {
    return plan(vars, nodes, templates, running, BASE_HOSTS);
  }

  private static Plan plan(Map<String, Object> vars, Map<String, Object> nodes, List<Map<String, Object>> templates,
      List<Map<String, Object>> running, List<String> tokensFor) {
    Map<String, Object> variables = new LinkedHashMap<>(Map.of("node_name", "pve", "controller", "controller.lab:7443",
        "ca_fingerprint", "sha256:" + "AB:".repeat(31) + "AB", "proxmox_endpoint", "https://pve.lab:8006/",
        "proxmox_api_token", "terraform@pve!fleet=secret"));
    Map<String, Object> tokens = new TreeMap<>();
    tokensFor.forEach(h -> tokens.put(h, "hf1.token-for-" + h));
    variables.put("enroll_tokens", tokens);
    variables.putAll(vars);
    List<Map<String, Object>> vms = new ArrayList<>(templates);
    vms.addAll(running);
    HclEvaluator evaluator = new HclEvaluator(files, variables, Map.of(
        "proxmox_virtual_environment_nodes.all", nodes,
        "proxmox_virtual_environment_vms.on_node", Map.of("vms", vms)));

    // The VM resource's own expressions, per instance of its for_each, as Terraform plans them.
    JsonNode vm = files.blocks("resource").get("proxmox_virtual_environment_vm.fleet").value();
    Map<String, Size> sizes = new TreeMap<>();
    Object forEach = evaluator.value(vm.get("for_each"), Map.of());
    ((Map<?, ?>) forEach).forEach((name, role) -> {
      Map<String, Object> each = Map.of("each", Map.of("key", name, "value", role));
      int cores = ((BigDecimal) evaluator.value(vm.get("cpu").get(0).get("cores"), each)).intValueExact();
      int memory = ((BigDecimal) evaluator.value(vm.get("memory").get(0).get("dedicated"), each)).intValueExact();
      sizes.put((String) name, new Size(cores, memory));
    });

    List<String> failed = new ArrayList<>();
    JsonNode preflight = files.blocks("resource").get("terraform_data.preflight").value();
    for (JsonNode check : preflight.get("lifecycle").get(0).get("precondition")) {
      if (!(Boolean) evaluator.value(check.get("condition"), Map.of())) {
        failed.add((String) evaluator.value(check.get("error_message"), Map.of()));
      }
    }
    return new Plan(evaluator, sizes, failed);
  }

  // --- what the bpg provider's data sources return -----------------------------------------------

  /** proxmox_virtual_environment_nodes for a cluster of one node. */
  private static Map<String, Object> node(String name, int cpus, long memoryBytes, long usedBytes, String cpuUse) {
    return nodes(List.<Object[]>of(new Object[] {name, cpus, memoryBytes, usedBytes, cpuUse, true}));
  }

  /** proxmox_virtual_environment_nodes: parallel lists, one entry per node (memory_available is the total). */
  private static Map<String, Object> nodes(List<Object[]> rows) {
    Map<String, List<Object>> attrs = new TreeMap<>();
    for (String a : List.of("names", "cpu_count", "memory_available", "memory_used", "cpu_utilization", "online")) {
      attrs.put(a, new ArrayList<>());
    }
    for (Object[] r : rows) {
      attrs.get("names").add(r[0]);
      attrs.get("cpu_count").add(BigDecimal.valueOf((Integer) r[1]));
      attrs.get("memory_available").add(BigDecimal.valueOf((Long) r[2]));
      attrs.get("memory_used").add(BigDecimal.valueOf((Long) r[3]));
      attrs.get("cpu_utilization").add(new BigDecimal((String) r[4]));
      attrs.get("online").add(r[5]);
    }
    return new TreeMap<>(attrs);
  }

  /** The Packer templates on the node, one per role (packer/ names them homefleet-ROLE). */
  private static List<Map<String, Object>> templates() {
    List<Map<String, Object>> t = new ArrayList<>();
    for (String role : List.of("prod", "dev", "sandbox", "services", "batch", "workstation")) {
      t.add(vm("homefleet-" + role, 9000 + t.size()));
    }
    return t;
  }

  private static Map<String, Object> vm(String name, int id) {
    return Map.of("name", name, "vm_id", BigDecimal.valueOf(id), "node_name", "pve", "tags", List.of());
  }

  private static Map<String, Object> counts(int workstations) {
    Map<String, Object> c = new TreeMap<>();
    for (String role : List.of("prod", "dev", "sandbox", "services", "batch")) {
      c.put(role, BigDecimal.ONE);
    }
    c.put("workstation", BigDecimal.valueOf(workstations));
    return c;
  }
}
